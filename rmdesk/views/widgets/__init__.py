"""What every screen uses: the context a screen is built with, the table model and view,
formatting by locale, labels, charts, PDF preview and the print actions."""
