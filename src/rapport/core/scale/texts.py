"""The words of the scale organisation, in English and in Chinese: names of clients, people and
projects, and the short texts of change requests, touchpoints, messages, meetings and lessons.
A client's language decides which list its projects and everything in them draw from."""

from __future__ import annotations

EN, ZH = "en", "zh-hans"

CLIENT_STEMS = {
    EN: [
        "Northwind",
        "Bluehaven",
        "Crestline",
        "Harbor",
        "Ironwood",
        "Juniper",
        "Kestrel",
        "Lakeside",
        "Maple",
        "Norbridge",
        "Oakridge",
        "Pinecrest",
        "Quayside",
        "Redfield",
        "Silverline",
        "Thornbury",
        "Upland",
        "Vantage",
        "Westmoor",
        "Yellowstone",
    ],
    ZH: [
        "华晨",
        "东方",
        "金桥",
        "长江",
        "海川",
        "明德",
        "瑞丰",
        "天成",
        "新宇",
        "博远",
        "信达",
        "安和",
        "恒泰",
        "嘉禾",
        "中科",
        "汇通",
        "银河",
        "福瑞",
        "鼎盛",
        "卓越",
    ],
}
CLIENT_TRADES = {
    EN: [
        "Logistics",
        "Medical",
        "Retail",
        "Insurance",
        "Energy",
        "Foods",
        "Bank",
        "Telecom",
        "Airlines",
        "Pharma",
    ],
    ZH: ["物流", "医疗", "零售", "保险", "能源", "食品", "银行", "通信", "航空", "制药"],
}
GIVEN = {
    EN: ["Sarah", "James", "Emma", "Oliver", "Mia", "Lucas", "Chloe", "Noah", "Grace", "Henry"],
    ZH: ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"],
}
FAMILY = {
    EN: ["Cole", "Hart", "Brooks", "Reed", "Walsh", "Fisher", "Grant", "Lane", "Price", "Shaw"],
    ZH: ["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴"],
}
JOB_TITLES = {
    EN: ["Chief Operating Officer", "Head of IT", "Product Owner", "Finance Director", "Buyer"],
    ZH: ["运营总监", "信息部总监", "产品负责人", "财务总监", "采购经理"],
}
PROJECT_WORK = {
    EN: [
        "Customer portal relaunch",
        "Warehouse app",
        "Fleet tracking dashboard",
        "Returns automation",
        "Data platform migration",
        "Field service scheduling",
        "Loyalty programme",
        "Claims workflow",
        "Mobile banking app",
        "Supplier onboarding",
    ],
    ZH: [
        "患者预约系统",
        "检验报告在线查询",
        "会员积分平台",
        "仓储管理系统",
        "移动办公应用",
        "供应商协同平台",
        "数据中台建设",
        "客服工单系统",
        "电子发票对接",
        "门店巡检小程序",
    ],
}
MILESTONES = {
    EN: [
        "Discovery complete",
        "Design approved",
        "Prototype tested",
        "Beta release",
        "Integration done",
        "Load test passed",
        "User training",
        "Pilot live",
        "Go-live",
        "Hypercare ends",
    ],
    ZH: [
        "需求调研完成",
        "设计方案确认",
        "原型测试通过",
        "测试版发布",
        "系统联调完成",
        "压力测试通过",
        "用户培训完成",
        "试点上线",
        "正式上线",
        "运维交接完成",
    ],
}
CHANGES = {
    EN: [
        ("Add export to Excel", "Finance wants the monthly figures as a spreadsheet."),
        ("Support a second language", "The new branch office works in German."),
        ("Single sign-on with Azure AD", "IT no longer allows separate passwords."),
        ("Extra approval step for orders", "A new internal control requires it."),
        ("Move go-live by two weeks", "The client's data migration is late."),
        ("New dashboard for managers", "The board asked for a weekly overview."),
    ],
    ZH: [
        ("增加导出 Excel 功能", "财务部需要按月导出报表。"),
        ("支持英文界面", "海外分公司需要使用英文版本。"),
        ("接入统一身份认证", "信息部要求所有系统统一登录。"),
        ("订单增加审批环节", "新的内控制度要求二级审批。"),
        ("上线时间推迟两周", "客户的数据迁移进度滞后。"),
        ("新增管理层看板", "管理层希望每周查看项目概况。"),
    ],
}
TOUCHPOINTS = {
    EN: [
        "Weekly call with the sponsor: progress agreed, no new risks.",
        "Sent the test plan for review; feedback expected by Friday.",
        "The product owner asked about the release date; explained the plan.",
        "Workshop on the reporting requirements with the finance team.",
        "Escalation: the interface supplier missed the delivery date.",
        "Demo of the new screens; users liked the search.",
    ],
    ZH: [
        "与项目发起人每周通话：确认进度，暂无新风险。",
        "已发送测试计划，客户周五前反馈意见。",
        "产品负责人询问上线日期，已说明计划安排。",
        "与财务团队召开报表需求研讨会。",
        "问题升级：接口供应商未按期交付。",
        "演示新界面，用户对搜索功能很满意。",
    ],
}
THREADS = {
    EN: [
        "Question about the test environment",
        "Invoice for March",
        "Access for new users",
        "Release notes",
        "Training dates",
        "Data migration checklist",
    ],
    ZH: [
        "测试环境问题",
        "三月份发票",
        "新用户开通权限",
        "版本说明",
        "培训时间安排",
        "数据迁移清单",
    ],
}
MESSAGES_CLIENT = {
    EN: [
        "Could you tell us when this will be ready?",
        "Thanks, we had a look and have a few questions.",
        "Our team cannot log in since this morning.",
        "Please find the signed document attached.",
    ],
    ZH: [
        "请问这个什么时候可以完成？",
        "谢谢，我们看过了，还有几个问题。",
        "我们团队今天早上无法登录。",
        "已签署的文件请见附件。",
    ],
}
MESSAGES_TEAM = {
    EN: [
        "Thanks for asking: it will be ready by the end of next week.",
        "We fixed the login problem; please try again.",
        "Here is the updated plan with the new dates.",
        "Noted, we will discuss it in Thursday's meeting.",
    ],
    ZH: [
        "感谢询问，预计下周末完成。",
        "登录问题已修复，请重试。",
        "附上更新后的计划和新日期。",
        "收到，我们将在周四的例会上讨论。",
    ],
}
MEETINGS = {
    EN: ["Weekly status meeting", "Steering committee", "Design workshop", "Sprint review"],
    ZH: ["项目周例会", "指导委员会会议", "设计研讨会", "迭代评审会"],
}
ACTIONS = {
    EN: [
        "Send the updated test plan",
        "Confirm the training dates",
        "Review the data mapping",
        "Prepare the go-live checklist",
        "Share the access list",
        "Book the workshop room",
    ],
    ZH: [
        "发送更新后的测试计划",
        "确认培训日期",
        "审核数据映射",
        "准备上线检查清单",
        "共享权限清单",
        "预订研讨会会议室",
    ],
}
MINUTES = {
    EN: "Progress reviewed against the plan; the open questions are in the action items.",
    ZH: "对照计划回顾了进度，未决问题已列入行动项。",
}
LESSONS = {
    EN: [
        (
            "Agree the acceptance criteria before the build",
            "The client rejected the first delivery because the criteria were never written down.",
            "Two weeks of rework and a tense steering committee.",
            "Acceptance was discussed in meetings but not recorded.",
            "Write the acceptance criteria into the baseline and have them signed.",
            "expectations",
            ["acceptance", "baseline"],
        ),
        (
            "Send a one-page weekly report",
            "The sponsor stopped reading our long reports and was surprised by a delay.",
            "Loss of trust and an unplanned escalation.",
            "Reports were too long and published irregularly.",
            "Publish a short report every Friday with the health and the asks.",
            "communication",
            ["report", "sponsor"],
        ),
        (
            "Log every change request, even small ones",
            "Many small changes agreed by phone added up to a month of extra work.",
            "The budget was exceeded by 15 percent.",
            "Changes were not evaluated or approved formally.",
            "Use the change log and ask for approval before any work starts.",
            "change",
            ["change", "budget"],
        ),
        (
            "Estimate data migration separately",
            "The migration of old records took three times longer than planned.",
            "Go-live moved by three weeks.",
            "The quality of the legacy data was never checked.",
            "Profile the data early and estimate the migration as its own work package.",
            "estimation",
            ["migration", "estimate"],
        ),
    ],
    ZH: [
        (
            "开发前确认验收标准",
            "客户拒收了第一次交付，因为验收标准从未书面确认。",
            "返工两周，指导委员会气氛紧张。",
            "验收标准只在会议中口头讨论，没有记录。",
            "把验收标准写入基线并请客户签字确认。",
            "expectations",
            ["验收", "基线"],
        ),
        (
            "每周发送一页纸周报",
            "项目发起人不再阅读冗长的报告，对进度延误感到意外。",
            "失去信任，出现计划外的问题升级。",
            "报告太长，发布时间不固定。",
            "每周五发布简短周报，写明健康状况和需要客户配合的事项。",
            "communication",
            ["周报", "沟通"],
        ),
        (
            "所有变更都要登记",
            "电话里同意的许多小变更累计增加了一个月的工作量。",
            "预算超支百分之十五。",
            "变更没有经过正式评估和审批。",
            "使用变更日志，开始工作前先获得审批。",
            "change",
            ["变更", "预算"],
        ),
        (
            "单独估算数据迁移工作量",
            "历史数据迁移耗时是计划的三倍。",
            "上线时间推迟三周。",
            "从未检查旧系统的数据质量。",
            "尽早分析数据质量，把数据迁移作为独立工作包估算。",
            "estimation",
            ["数据迁移", "估算"],
        ),
    ],
}
FEEDBACK_COMMENTS = {
    EN: [
        "",
        "",
        "Good progress, clear reports.",
        "We would like more notice before releases.",
        "The team is responsive and friendly.",
        "Testing took longer than we expected.",
    ],
    ZH: [
        "",
        "",
        "进展顺利，报告清晰。",
        "希望发布前能提前通知我们。",
        "团队响应及时，态度友好。",
        "测试时间比预期长。",
    ],
}
