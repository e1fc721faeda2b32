"""Contacts and visits: logging a contact, each change to a visit (its transitions), the working
calendar, the planner that proposes visits, and what the planner screen reads in bulk."""
