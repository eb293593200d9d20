"""English and Simplified Chinese for every label and message the pages write.

One table, one entry per key with both languages side by side, so a missing translation is seen
at once (and a test checks that every key a template uses is here). Messages that come from the
services (problem details: which field, which rule, which source) are shown as the service wrote
them, in English.

The language is chosen by ``?lang=``, then the ``bt_lang`` cookie, then Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "bt_lang"

#: key → (English, 简体中文)
TEXT: dict[str, tuple[str, str]] = {
    # navigation and sign-in
    "nav.my_notifications": ("My notifications", "我的通知"),
    "nav.notifications": ("Notifications", "通知"),
    "nav.file": ("File a notification", "提交新通知"),
    "nav.inbox": ("Inbox", "待办"),
    "nav.scan": ("Border scan", "口岸扫描"),
    "nav.flags": ("Flagged scans", "标记的扫描"),
    "nav.sign_out": ("Sign out", "退出"),
    "sign_in.title": ("Sign in", "登录"),
    "sign_in.intro": (
        "Sign in with the API token of your BaselTrack account. It is kept in a secure cookie "
        "of this browser until you sign out.",
        "请使用您的 BaselTrack 账户 API 令牌登录。令牌保存在本浏览器的安全 Cookie 中，直到您退出。",
    ),
    "sign_in.token": ("API token", "API 令牌"),
    "sign_in.submit": ("Sign in", "登录"),
    "sign_in.failed": (
        "This token is unknown or its account is disabled.",
        "该令牌无效，或其账户已停用。",
    ),
    "sign_in.demo": ("Demo accounts", "演示账户"),
    "sign_in.demo_note": (
        "Demo data is loaded: these accounts and their tokens are public on purpose, for trying "
        "the service. They do not exist where demo data is switched off.",
        "已加载演示数据：这些账户及其令牌是有意公开的，仅供试用。关闭演示数据时它们不存在。",
    ),
    "sign_in.as": ("Sign in as this account", "以此账户登录"),
    # generic labels
    "label.account": ("Account", "账户"),
    "label.role": ("Role", "角色"),
    "label.country": ("Country", "国家"),
    "label.number": ("Notification", "通知编号"),
    "label.waste": ("Waste", "废物"),
    "label.route": ("Route", "路线"),
    "label.status": ("Status", "状态"),
    "label.next": ("Who must act next", "下一步由谁办理"),
    "label.by": ("by", "截止"),
    "label.overdue": ("OVERDUE", "已逾期"),
    "label.capacity": ("Capacity", "身份"),
    "label.decision": ("Decision", "决定"),
    "label.codes": ("Codes", "代码"),
    "label.period": ("Intended period", "拟议期间"),
    "label.consent_valid": ("Consent valid", "同意有效期"),
    "label.reason": ("Reason", "理由"),
    "label.shipments": ("shipments", "次装运"),
    "label.shipment": ("Shipment", "装运"),
    "label.document": ("Movement document", "转移文件"),
    "label.offices": ("Customs offices", "海关"),
    "msg.refused": ("Not done:", "未完成："),
    "msg.rule": ("Rule", "规则"),
    # roles
    "role.exporter": ("Exporter", "出口商"),
    "role.authority": ("Competent authority", "主管当局"),
    "role.customs": ("Customs officer", "海关官员"),
    "role.inspector": ("Inspector", "检查员"),
    "role.facility": ("Facility", "处置/回收设施"),
    "role.carrier": ("Carrier", "承运人"),
    "role.admin": ("Administrator", "管理员"),
    # notification statuses
    "status.draft": ("Draft", "草稿"),
    "status.submitted": ("Submitted", "已提交"),
    "status.refused": ("Refused", "已拒绝转交"),
    "status.transmitted": ("Transmitted", "已转交"),
    "status.acknowledged": ("Acknowledged", "已确认收到"),
    "status.consented": ("Consented", "已同意"),
    "status.objected": ("Objected", "已反对"),
    "status.withdrawn": ("Withdrawn", "已撤回"),
    "status.expired": ("Expired", "已过期"),
    "status.closed": ("Closed", "已结案"),
    # who acts, and on what
    "actor.notifier": ("Notifier", "通知者"),
    "actor.export_authority": ("Authority of export", "出口国主管当局"),
    "actor.transit_authority": ("Authority of transit", "过境国主管当局"),
    "actor.import_authority": ("Authority of import", "进口国主管当局"),
    "actor.system": ("BaselTrack", "BaselTrack 系统"),
    "action.submit": ("complete and submit", "填写并提交"),
    "action.transmit": ("transmit or refuse", "转交或拒绝"),
    "action.acknowledge": ("acknowledge receipt", "确认收到"),
    "action.decide": ("consent or object", "同意或反对"),
    "action.answer_info": ("answer the request for information", "答复补充信息要求"),
    "action.object": ("objection: the procedure stops", "已反对：程序终止"),
    "action.record_contract": ("record the contract", "登记合同"),
    "action.record_guarantee": ("record the guarantee", "登记担保"),
    "action.complete": ("complete the consent", "完成同意"),
    "action.ship": ("ship within the consent", "在同意有效期内装运"),
    "action.close": ("close the file", "结案"),
    "capacity.export": ("State of export", "出口国"),
    "capacity.transit": ("State of transit", "过境国"),
    "capacity.import": ("State of import", "进口国"),
    "decision.pending": ("Pending", "待决定"),
    "decision.info_requested": ("Information requested", "已要求补充信息"),
    "decision.consented": ("Consented", "已同意"),
    "decision.tacit_consent": ("Tacit consent", "默示同意"),
    "decision.objected": ("Objected", "已反对"),
    "decision.withdrawn": ("Withdrawn", "已撤回"),
    "decision.none": ("No decision required", "无需决定"),
    "regime.basel": ("Basel Convention", "巴塞尔公约"),
    "regime.eu-2024-1157": ("EU Regulation 2024/1157", "欧盟第 2024/1157 号条例"),
    "regime.oecd": ("OECD Decision", "经合组织决定"),
    # lists
    "list.title": ("Notifications", "通知"),
    "list.mine": ("My notifications", "我的通知"),
    "list.empty": ("No notifications to show.", "暂无通知。"),
    "inbox.title": ("Inbox: awaiting your action", "待办：等待您办理"),
    "inbox.intro": (
        "Notifications on which your authority must act, earliest deadline first. Deadlines are "
        "counted in your working days.",
        "需要贵当局办理的通知，按截止日期排序。截止日期按贵当局的工作日计算。",
    ),
    "inbox.empty": ("Nothing awaits your action.", "目前没有待办事项。"),
    # the filing form
    "form.title": ("File a notification", "提交越境转移通知"),
    "form.intro": (
        "Annex V A of the Basel Convention, blocks 1–21. The example (spent lead-acid batteries) "
        "is filled in; change what differs. Saved as a draft; submit it from its page.",
        "依据《巴塞尔公约》附件五A第1至21栏。已预填示例（废铅酸蓄电池），请修改不同之处。"
        "保存为草稿，再在通知页面上提交。",
    ),
    "form.parties": ("Parties (blocks 1, 2, 8–10)", "当事方（第1、2、8–10栏）"),
    "form.shipment": ("Shipment (blocks 3–7)", "装运（第3–7栏）"),
    "form.waste": ("Waste (blocks 11–14)", "废物（第11–14栏）"),
    "form.route": ("States concerned and customs (blocks 15–16)", "有关国家和海关（第15–16栏）"),
    "form.route_help": (
        "In route order: state of export first, state of import last, transit states between "
        "(ISO codes such as MY, SG, KR).",
        "按路线顺序：首行为出口国，末行为进口国，中间为过境国（ISO 代码，如 MY、SG、KR）。",
    ),
    "form.declaration": ("Declaration (block 17)", "声明（第17栏）"),
    "form.save": ("Save the draft", "保存草稿"),
    # fields
    "field.consignee": ("Importer – consignee", "进口者-收货人"),
    "field.facility": ("Disposal / recovery facility", "处置/回收设施"),
    "field.generator": ("Waste generator", "废物产生者"),
    "field.notifier": ("Exporter – notifier", "出口者-通知者"),
    "field.site": ("Generator's site", "产生地点"),
    "field.process": ("Process that generated the waste", "产生过程"),
    "field.carrier": ("Carrier", "承运人"),
    "field.means_of_transport": ("Means of transport", "运输方式"),
    "field.regime": ("Legal regime", "适用法规"),
    "field.shipment_type": ("Shipments", "装运类型"),
    "field.purpose": ("Purpose", "目的"),
    "field.intended_shipments": ("Intended number of shipments", "拟装运次数"),
    "field.quantity": ("Quantity", "数量"),
    "field.unit": ("Unit", "单位"),
    "field.first_departure": ("First departure", "首次启运"),
    "field.last_departure": ("Last departure", "最后启运"),
    "field.packaging": ("Packaging", "包装类型"),
    "field.special_handling": ("Special handling", "特殊搬运要求"),
    "field.designation": ("Designation", "废物名称"),
    "field.composition": ("Composition", "成分"),
    "field.physical_characteristics": ("Physical characteristics", "物理特性"),
    "field.operations": ("D/R operations", "处置/回收作业代码"),
    "field.technology": ("Technology employed", "所用技术"),
    "field.reason_for_export": ("Reason for export", "出口理由"),
    "field.basel_code": ("Basel Annex VIII/IX code", "巴塞尔附件八/九代码"),
    "field.oecd_code": ("OECD code", "经合组织代码"),
    "field.eu_code": ("EU List of Waste code", "欧盟废物清单代码"),
    "field.y_codes": ("Y-codes (comma-separated)", "Y 代码（逗号分隔）"),
    "field.h_codes": ("H-codes (comma-separated)", "H 代码（逗号分隔）"),
    "field.un_class": ("UN class", "联合国危险类别"),
    "field.un_number": ("UN number", "联合国编号"),
    "field.un_shipping_name": ("UN shipping name", "联合国运输名称"),
    "field.hs_code": ("HS code", "海关编码（HS）"),
    "field.country": ("Country", "国家"),
    "field.point_of_entry": ("Point of entry", "入境点"),
    "field.point_of_exit": ("Point of exit", "出境点"),
    "field.office_export": ("Office of export", "出口海关"),
    "field.office_exit": ("Office of exit", "出境海关"),
    "field.office_entry": ("Office of entry", "入境海关"),
    "field.declaration_name": ("Name of the signatory", "签署人姓名"),
    "field.signed_on": ("Signed on", "签署日期"),
    "field.reason": ("Reasons", "理由"),
    "field.reasons": ("Reasons", "理由"),
    "field.question": ("Question to the notifier", "向通知者提出的问题"),
    "field.answer": ("Your answer", "您的答复"),
    "field.valid_from": ("Valid from", "有效期自"),
    "field.valid_to": ("Valid until", "有效期至"),
    "field.valid_until": ("Valid until", "有效期至"),
    "field.conditions": ("Conditions", "条件"),
    "field.reference": ("Reference", "编号"),
    "field.concluded_on": ("Concluded on", "签订日期"),
    "field.guarantee_kind": ("Kind", "类型"),
    "field.amount": ("Amount", "金额"),
    "field.currency": ("Currency", "币种"),
    "field.shipment_date": ("Shipment date", "装运日期"),
    "field.packaging_code": ("Packaging code", "包装代码"),
    "field.packages": ("Number of packages", "包装件数"),
    "field.containers": ("Containers (comma-separated)", "集装箱号（逗号分隔）"),
    "shipment.single": ("Single", "单次"),
    "shipment.multiple": ("Multiple", "多次"),
    "purpose.recovery": ("Recovery", "回收"),
    "purpose.disposal": ("Disposal", "处置"),
    "guarantee.bond": ("Bond", "保证金"),
    "guarantee.insurance": ("Insurance", "保险"),
    "guarantee.bank_guarantee": ("Bank guarantee", "银行保函"),
    "guarantee.other": ("Other", "其他"),
    "transport.R": ("Road", "公路"),
    "transport.T": ("Train / rail", "铁路"),
    "transport.S": ("Sea", "海运"),
    "transport.A": ("Air", "空运"),
    "transport.W": ("Inland waterways", "内河"),
    "packaging.1": ("Drum", "桶"),
    "packaging.2": ("Wooden barrel", "木桶"),
    "packaging.3": ("Jerrican", "罐"),
    "packaging.4": ("Box", "箱"),
    "packaging.5": ("Bag", "袋"),
    "packaging.6": ("Composite packaging", "复合包装"),
    "packaging.7": ("Pressure receptacle", "压力容器"),
    "packaging.8": ("Bulk", "散装"),
    "packaging.9": ("Other", "其他"),
    "physical.1": ("Powdery / powder", "粉状"),
    "physical.2": ("Solid", "固体"),
    "physical.3": ("Viscous / paste", "粘稠/膏状"),
    "physical.4": ("Sludgy", "污泥状"),
    "physical.5": ("Liquid", "液体"),
    "physical.6": ("Gaseous", "气体"),
    "physical.7": ("Other", "其他"),
    # one notification
    "detail.your_actions": ("Your actions", "您的操作"),
    "detail.no_next": ("No one needs to act.", "无需任何人办理。"),
    "detail.facts": ("Notification (Annex V A)", "通知内容（附件五A）"),
    "detail.pre_consented": ("pre-consented", "预先同意设施"),
    "detail.movements": ("Movements", "转移"),
    "detail.no_movements": ("No movement documents yet.", "尚无转移文件。"),
    "doc.notification_pdf": ("Notification PDF", "通知书 PDF"),
    "doc.movement_pdf": ("Movement document PDF", "转移文件 PDF"),
    "doc.qr_text": ("QR text", "二维码文本"),
    "step.submit": ("Submit to the authority of export", "提交给出口国主管当局"),
    "step.submit_help": (
        "The filing is checked again today; the authority of export then transmits or refuses it.",
        "提交时将再次核查；随后由出口国主管当局转交或拒绝。",
    ),
    "step.transmit": ("Transmit to the states concerned", "转交给有关国家"),
    "step.transmit_help": (
        "Forward the notification to the authorities of transit and import.",
        "将通知转交给过境国和进口国主管当局。",
    ),
    "step.refuse": ("Refuse to transmit", "拒绝转交"),
    "step.acknowledge": ("Acknowledge receipt", "确认收到"),
    "step.acknowledge_help": (
        "Acknowledging starts the deadlines of every state concerned.",
        "确认收到后，各有关国家的期限开始计算。",
    ),
    "step.consent": ("Consent", "同意"),
    "step.object": ("Object", "反对"),
    "step.question": ("Ask for information", "要求补充信息"),
    "step.answer": ("Answer the request for information", "答复补充信息要求"),
    "step.contract": ("Contract", "合同"),
    "step.guarantee": ("Guarantee", "担保"),
    "step.contract_save": ("Record the contract", "登记合同"),
    "step.guarantee_save": ("Record the guarantee", "登记担保"),
    "step.movement": ("Create a movement document", "创建转移文件"),
    "step.announce": ("Send the prior notice", "发送装运预报"),
    "done.announce": ("Prior notice sent to the authorities.", "装运预报已发送给各主管当局。"),
    "done.filed": ("Draft saved. Check it, then submit it.", "草稿已保存。请核对后提交。"),
    "done.submit": ("Submitted to the authority of export.", "已提交给出口国主管当局。"),
    "done.transmit": ("Transmitted to the states concerned.", "已转交给有关国家。"),
    "done.refuse": ("Refused.", "已拒绝转交。"),
    "done.acknowledge": ("Receipt acknowledged.", "已确认收到。"),
    "done.consent": ("Consent recorded.", "同意已记录。"),
    "done.objection": ("Objection recorded.", "反对已记录。"),
    "done.question": ("Question sent to the notifier.", "问题已发送给通知者。"),
    "done.answer": ("Answer sent.", "答复已发送。"),
    "done.contract": ("Contract recorded.", "合同已登记。"),
    "done.guarantee": ("Guarantee recorded.", "担保已登记。"),
    "done.movement": ("Movement document created and signed.", "转移文件已创建并签名。"),
    "movement.created": ("Created", "已创建"),
    "movement.announced": ("Announced", "已预报"),
    "movement.in_transit": ("In transit", "运输中"),
    "movement.received": ("Received", "已接收"),
    "movement.rejected": ("Rejected", "已拒收"),
    "movement.completed": ("Completed", "已完成"),
    "movement.cancelled": ("Cancelled", "已取消"),
    "movement.return_required": ("Return required", "须退运"),
    # border scan
    "scan.title": ("Border scan", "口岸扫描"),
    "scan.qr_text": ("Scan the QR code (or type its text)", "扫描二维码（或输入其文本）"),
    "scan.photo": ("…or upload a photo or PDF of the code", "……或上传二维码的照片或 PDF"),
    "scan.office": ("Customs office", "海关代码"),
    "scan.direction": ("Direction", "方向"),
    "scan.check": ("Check", "核验"),
    "scan.help": (
        "A hardware scanner types the code and presses Enter: the check runs at once. Office and "
        "direction stay filled in for the next load.",
        "扫描枪输入代码并回车后立即核验。海关代码和方向会保留，便于下一批货物。",
    ),
    "scan.signature": ("Signature", "签名"),
    "scan.authentic": ("authentic", "真实"),
    "scan.not_authentic": ("NOT authentic", "不真实"),
    "scan.current_revision": ("current revision", "当前版本"),
    "scan.valid_today": ("valid today", "今日有效"),
    "scan.not_valid_today": ("NOT valid today", "今日无效"),
    "scan.on_route": ("on the notified route", "在通知路线上"),
    "scan.off_route": ("NOT on the notified route", "不在通知路线上"),
    "scan.expected": ("expected at the border", "预计过境"),
    "scan.not_expected": ("NOT expected at the border", "未预计过境"),
    "scan.crossing": ("Crossing", "过境记录"),
    "scan.crossing_recorded": ("recorded", "已记录"),
    "scan.crossing_not_recorded": ("not recorded", "未记录"),
    "verdict.valid": ("VALID", "有效"),
    "verdict.valid_say": ("The shipment may pass.", "货物可以放行。"),
    "verdict.flagged": ("FLAGGED", "已标记"),
    "verdict.flagged_say": ("Hold the shipment: see the reasons.", "请扣留货物：见以下原因。"),
    "direction.exit": ("Exit", "出境"),
    "direction.entry": ("Entry", "入境"),
    "direction.transit_entry": ("Transit entry", "过境入境"),
    "direction.transit_exit": ("Transit exit", "过境出境"),
    # inspector
    "flags.title": ("Flagged border scans", "被标记的口岸扫描"),
    "flags.intro": (
        "Every scan flagged by customs in your country, newest first, with the reasons. Cases "
        "and search are being built.",
        "贵国海关标记的所有扫描，按时间倒序，并附原因。案件管理和搜索功能正在开发中。",
    ),
    "flags.when": ("Scanned", "扫描时间"),
    "flags.reasons": ("Reasons", "原因"),
    "flags.empty": ("No flagged scans in your country.", "贵国暂无被标记的扫描。"),
    # errors
    "error.400": ("Bad request", "请求有误"),
    "error.401": ("Please sign in", "请登录"),
    "error.403": ("Not allowed", "无权操作"),
    "error.404": ("Not found", "未找到"),
    "error.409": ("Conflict", "冲突"),
    "error.422": ("Refused", "被拒绝"),
    "error.503": ("Service unavailable", "服务暂不可用"),
    "error.home": ("Back to your start page", "返回首页"),
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` in one language; an unknown key shows itself (and fails the i18n test)."""
    index = LANGUAGES.index(lang) if lang in LANGUAGES else 0

    def t(key: str) -> str:
        entry = TEXT.get(key)
        return entry[index] if entry else key

    return t


def _from_accept_language(header: str) -> str | None:
    """The first supported language in Accept-Language, by q-value (zh, zh-CN, zh-Hans → zh)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, position, primary))
    return min(ranked)[2] if ranked else None


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return str(candidate)
    return _from_accept_language(accept_language or "") or DEFAULT_LANGUAGE
