"""Development mail: a real SMTP server that keeps every message as a file, and a reader."""
