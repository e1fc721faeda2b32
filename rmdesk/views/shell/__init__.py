"""The window around the screens: log-in, password change, the main window and its menus."""
