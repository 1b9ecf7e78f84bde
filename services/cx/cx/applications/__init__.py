"""New-connection applications: review → site inspection → approval → installation → activation
→ follow-up (or rejected), moved on by decisions and by wx's completed work orders."""
