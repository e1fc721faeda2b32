"""rmdesk: the relationship manager's workstation."""

__version__ = "0.1.0"
