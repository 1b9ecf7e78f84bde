"""Work and field force: work orders, technicians, SOPs"""
