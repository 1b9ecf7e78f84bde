"""Smart360 platform library: what the nine services share instead of copying."""
