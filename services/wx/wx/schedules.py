"""What beat runs for wx. Each job declares its own crontab (and `expires`) with @job;
this list is the schedule."""

from __future__ import annotations

from wx.workorders import tasks

JOBS = [
    # SLAs are counted in hours: five minutes late is the most a breach goes unnoticed.
    tasks.monitor_work_order_sla,
    tasks.auto_assign_work_orders,
]
