"""Today (今日工作台): the first screen of an RM and of a branch head."""
