"""The visit planner: the week and month calendar, the list of visits, its actions and dialogs."""
