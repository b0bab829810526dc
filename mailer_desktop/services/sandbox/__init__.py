"""The built-in sandbox SMTP server that captures mail, and the replies a user can make from it."""
