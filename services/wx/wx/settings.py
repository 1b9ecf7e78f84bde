from smart360.settings import service_settings

globals().update(service_settings("wx", apps=["wx.workorders"]))

# One name per choice set in the OpenAPI schema (work orders, technicians and SOPs share the
# field names `kind` and `status`).
SPECTACULAR_SETTINGS = {**globals()["SPECTACULAR_SETTINGS"], "ENUM_NAME_OVERRIDES": {
    "WorkOrderKindEnum": "wx.workorders.models.Kind",
    "WorkOrderStatusEnum": "wx.workorders.models.WorkOrderStatus",
    "TechnicianStatusEnum": "wx.workorders.models.TechnicianStatus",
}}
