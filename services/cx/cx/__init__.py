"""Consumer experience: consumers, connections, service requests"""
