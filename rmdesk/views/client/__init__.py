"""The RM's screens: the book and the client view (7P panels, contribution, marketing, dialogs)."""
