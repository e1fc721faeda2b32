"""One RM's clients: the book ranked by contribution, a client's profile and 7P view, its
records, its contribution in detail, and clients named by their id in a source system."""
