from django.apps import AppConfig


class WorkOrdersConfig(AppConfig):
    name = "wx.workorders"
    label = "workorders"
