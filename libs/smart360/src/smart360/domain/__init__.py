"""Domain building blocks every service uses the same way: state machines, money, tenant time,
document numbers."""
