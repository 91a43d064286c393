"""The patch gate: mails, mboxes and diffs, their post-images, git ranges, and the pre-commit
front end that feeds staged files and pushed commits through it."""
