"""Notification and movement document PDFs laid out like the Basel/OECD forms, with the signed QR.

Byte-stable: ReportLab runs in invariant mode (fixed dates and ids), so the same document and QR
text always give the same bytes, which lets the service hash and cache what it printed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from manifests.documents import (
    PACKAGING_TYPES,
    PHYSICAL_CHARACTERISTICS,
    TRANSPORT_MEANS,
    CarrierLeg,
    MovementDocument,
    NotificationDocument,
    Party,
    WasteDescription,
    WasteIdentification,
)
from manifests.pdf_layout import MARGIN, Block, FormWriter, check

UNITS = {"t": "t (tonnes / 吨)", "m3": "m³ (cubic metres / 立方米)"}
ROLES = {"export": "Export – dispatch / 出口–发运", "transit": "Transit / 过境",
         "import": "Import – destination / 进口–目的地"}  # fmt: skip


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _amount(quantity: Decimal | None, unit: str) -> str:
    return f"{format(quantity, 'f')} {UNITS.get(unit, unit)}" if quantity is not None else "—"


def _coded(codes: list[str], names: dict[str, str]) -> str:
    return ", ".join(f"{code} {names.get(code, '(unknown code)')}" for code in codes) or "—"


def _party(party: Party) -> list[str]:
    return [
        f"Reg. No. 登记号: {party.registration_no}",
        f"Name 名称: {party.name}",
        f"Address 地址: {party.address}",
        f"Contact 联系人: {party.contact_person}",
        f"Tel 电话: {party.phone}   Fax 传真: {party.fax}",
        f"E-mail 电子邮件: {party.email}",
    ]


def _parties(parties: list[Party]) -> list[str]:
    return [line for party in parties for line in _party(party)]


def _carrier(leg: CarrierLeg) -> str:
    means = TRANSPORT_MEANS.get(leg.means_of_transport, leg.means_of_transport)
    return (
        f"{leg.carrier.name} (Reg. 登记号 {leg.carrier.registration_no}), {leg.carrier.address}; "
        f"means 运输方式: {leg.means_of_transport} {means}; "
        f"transfer 交接: {_day(leg.date_of_transfer)}"
    )


def _identification(ids: WasteIdentification) -> list[str]:
    rows = [
        ("(i) Basel Annex VIII/IX 巴塞尔附件八/九", ids.basel_annex_viii_ix),
        ("(ii) OECD 经合组织", ids.oecd),
        ("(iii) EU List of Waste 欧盟废物清单", ids.eu_list_of_waste),
        ("(iv) National, export 出口国编码", ids.national_export),
        ("(v) National, import 进口国编码", ids.national_import),
        ("(vi) Other 其他", ids.other),
        ("(vii) Y-code Y类别", ids.y_codes),
        ("(viii) H-code H特性", ids.h_codes),
        ("(ix) UN class 联合国类别", ids.un_class),
        ("(x) UN number 联合国编号", ids.un_number),
        ("(xi) UN shipping name 联合国运输名称", ids.un_shipping_name),
        ("(xii) Customs code (HS) 海关编码", ids.hs_code),
    ]
    cells = [f"{label}: {', '.join(codes) or '—'}" for label, codes in rows]
    return [f"{left};   {right}" for left, right in zip(cells[0::2], cells[1::2], strict=True)]


def _waste_blocks(waste: WasteDescription, numbers: tuple[str, ...], reason: str) -> list[Block]:
    """Blocks 9–14 (notification) or 9–14 (movement): the same content on both forms."""
    generator, facility, operation, designation, physical, identification = numbers
    operation_lines = [
        f"D/R code(s) 处置/回收作业代码: {', '.join(waste.operations) or '—'}",
        f"Technology 所用技术: {waste.technology}",
    ]
    if reason:
        operation_lines.append(f"Reason for export 出口理由: {reason}")
    return [
        Block(generator, "Waste generator(s) – producer(s)", "废物产生者",
              [*_parties(waste.generators),
               f"Site and process 产生地点和工艺: {waste.generator_site_and_process}"], 0.5),
        Block(facility, "Disposal / recovery facility", "处置/回收设施",
              [*_party(waste.facility), f"Actual site 实际地点: {waste.facility_actual_site}"],
              0.5),
        Block(operation, "Disposal / recovery operation(s)", "处置/回收作业", operation_lines,
              0.3),
        Block(designation, "Designation and composition of the waste", "废物名称和成分",
              [waste.designation_and_composition], 0.4),
        Block(physical, "Physical characteristics", "物理特性",
              [_coded(waste.physical_characteristics, PHYSICAL_CHARACTERISTICS)], 0.3),
        Block(identification, "Waste identification (fill in relevant codes)",
              "废物识别（填写相关编码）", _identification(waste.identification)),
    ]  # fmt: skip


def notification_pdf(doc: NotificationDocument, qr_text: str) -> bytes:
    """The notification document (blocks 1–21) as a one-page A4 PDF, plus annex if needed."""
    form = FormWriter(
        "Notification document for transboundary movements of waste",
        "废物越境转移通知书",
    )
    y = form.header(qr_text, f"Notification No. 通知编号: {doc.notification_no}")
    generator, facility, operation, designation, physical, identification = _waste_blocks(
        doc.waste, ("9", "10", "11", "12", "13", "14"), doc.reason_for_export
    )
    states = [
        f"{ROLES.get(s.role, s.role)}: {s.country}; CA 主管当局: {s.authority_code}; "
        f"exit 出境点: {s.point_of_exit or '—'}; entry 入境点: {s.point_of_entry or '—'}"
        for s in doc.states
    ]
    rows = [
        (76, [Block("1", "Exporter – notifier", "出口者–通知者", _party(doc.exporter), 0.5),
              Block("3", "Notification No.", "通知编号", [
                  doc.notification_no,
                  f"A. {check(not doc.multiple_shipments)} Individual shipment 单次装运  "
                  f"{check(doc.multiple_shipments)} Multiple shipments 多次装运",
                  f"B. {check(not doc.recovery)} Disposal 处置  "
                  f"{check(doc.recovery)} Recovery 回收",
                  f"C. Pre-consented recovery facility 预先同意的回收设施: "
                  f"{check(doc.pre_consented_facility)} Yes 是  "
                  f"{check(not doc.pre_consented_facility)} No 否",
              ], 0.5)]),
        (76, [Block("2", "Importer – consignee", "进口者–收货人", _party(doc.importer), 0.5),
              Block("4", "Total intended number of shipments", "拟装运总次数",
                    [str(doc.intended_shipments)], 0.25),
              Block("5", "Total intended quantity", "拟转移总量",
                    [_amount(doc.intended_quantity, doc.unit)], 0.25)]),
        (42, [Block("6", "Intended period of time for shipment(s)", "拟装运期间", [
                  f"First departure 首次启运: {_day(doc.first_departure)}",
                  f"Last departure 最后启运: {_day(doc.last_departure)}"], 0.5),
              Block("7", "Packaging type(s)", "包装类型", [
                  _coded(doc.packaging_types, PACKAGING_TYPES),
                  f"Special handling requirements 特殊操作要求: "
                  f"{check(doc.special_handling)} Yes 是  {check(not doc.special_handling)} No 否",
              ], 0.5)]),
        (78, [Block("8", "Intended carrier(s)", "拟用承运人",
                    [_carrier(leg) for leg in doc.carriers] or ["—"], 0.5),
              generator]),
        (70, [facility, Block(operation.number, operation.english, operation.chinese,
                              operation.lines, 0.5)]),
        (42, [designation, physical, Block("18", "Number of annexes attached", "所附附件数",
                                           [str(doc.annexes)], 0.3)]),
        (60, [identification]),
        (50, [Block("15", "States concerned, competent authorities, points of exit / entry",
                    "有关国家、主管当局、出境/入境点", states or ["—"])]),
        (30, [Block("16", "Customs offices of entry / exit / export", "入境/出境/出口海关", [
            f"Entry 入境: {doc.customs_entry or '—'};  Exit 出境: {doc.customs_exit or '—'};  "
            f"Export 出口: {doc.customs_export or '—'}"])]),
        (36, [Block("17", "Exporter's – notifier's / generator's declaration",
                    "出口者–通知者/产生者声明", [
                        "I certify that the information is complete and correct to my best "
                        "knowledge. 兹证明上述资料就本人所知完整无误。",
                        f"Name 姓名: {doc.declaration_name}   Date 日期: "
                        f"{_day(doc.declaration_date)}   Signature 签名:"])]),
        (46, [Block("19", "Acknowledgement from the competent authority", "主管当局的确认", [
                  f"Acknowledged by 确认机关: {doc.acknowledged_by or '—'}",
                  f"Date 日期: {_day(doc.acknowledged_on)}"], 0.5),
              Block("20", "Written consent to the movement", "对转移的书面同意", [
                  f"Given on 同意日期: {_day(doc.consent_given_on)}",
                  f"Valid from 有效期自: {_day(doc.consent_valid_from)}  "
                  f"until 至: {_day(doc.consent_valid_until)}",
                  f"Specific conditions 特定条件: {check(doc.consent_conditions)} Yes 是  "
                  f"{check(not doc.consent_conditions)} No 否"], 0.5)]),
    ]  # fmt: skip
    for height, blocks in rows:
        y = form.row(y, height, blocks)
    form.row(y, y - MARGIN, [Block(
        "21", "Specific conditions on consenting to the movement or reasons for objecting",
        "同意转移的特定条件或反对理由", [doc.conditions_or_objection or "—"])])  # fmt: skip
    return form.finish()


def movement_pdf(doc: MovementDocument, qr_text: str) -> bytes:
    """The movement document (blocks 1–22) as a one-page A4 PDF, plus annex if needed."""
    form = FormWriter(
        "Movement document for transboundary movements of waste", "废物越境转移运输单"
    )
    y = form.header(
        qr_text,
        f"Notification No. 通知编号: {doc.notification_no}   "
        f"Shipment 装运: {doc.shipment_no}/{doc.shipments_total}",
    )
    blocks = _waste_blocks(doc.waste, ("9", "10", "11", "12", "13", "14"), "")
    generator, facility, operation, designation, physical, identification = blocks
    legs = [
        "(a) 1st carrier 第一承运人",
        "(b) 2nd carrier 第二承运人",
        "(c) Last carrier 最后承运人",
    ]
    carriers = [f"{name}: {_carrier(leg)}" for name, leg in zip(legs, doc.carriers, strict=False)]
    carriers += [f"({chr(ord('d') + i)}) further carrier 其他承运人: {_carrier(leg)}"
                 for i, leg in enumerate(doc.carriers[3:])]  # fmt: skip
    accepted = doc.facility_accepted
    rows = [
        (28, [Block("1", "Corresponding to notification No.", "对应通知编号",
                    [doc.notification_no], 0.5),
              Block("2", "Serial / total number of shipments", "装运序号/总次数",
                    [f"{doc.shipment_no} / {doc.shipments_total}"], 0.5)]),
        (70, [Block("3", "Exporter – notifier", "出口者–通知者", _party(doc.exporter), 0.5),
              Block("4", "Importer – consignee", "进口者–收货人", _party(doc.importer), 0.5)]),
        (44, [Block("5", "Actual quantity", "实际数量",
                    [_amount(doc.actual_quantity, doc.unit)], 0.3),
              Block("6", "Actual date of shipment", "实际装运日期",
                    [_day(doc.actual_shipment_date)], 0.2),
              Block("7", "Packaging", "包装", [
                  f"Type(s) 类型: {_coded(doc.packaging_types, PACKAGING_TYPES)}",
                  f"Number of packages 包件数: {doc.number_of_packages}",
                  f"Special handling 特殊操作要求: {check(doc.special_handling)} Yes 是  "
                  f"{check(not doc.special_handling)} No 否"], 0.5)]),
        (52, [Block("8", "Carriers (signature on transfer)", "承运人（交接时签名）",
                    carriers or ["—"])]),
        (78, [generator, facility]),
        (42, [operation, designation, physical]),
        (60, [identification]),
        (40, [Block("15", "Exporter's – notifier's / generator's declaration",
                    "出口者–通知者/产生者声明", [
                        "All necessary written consents have been obtained. "
                        "已取得所有必要的书面同意。",
                        f"Name 姓名: {doc.exporter_declaration_name}  Date 日期: "
                        f"{_day(doc.exporter_declaration_date)}  Signature 签名:"], 0.5),
              Block("16", "Additional information", "附加信息",
                    [doc.additional_information or "—"], 0.5)]),
        (56, [Block("17", "Shipment received by importer – consignee", "进口者–收货人收到货物",
                    [f"Date 日期: {_day(doc.received_by_importer_on)}", "Signature 签名:"], 0.5),
              Block("18", "Shipment received at disposal / recovery facility",
                    "处置/回收设施收到货物", [
                        f"Date of reception 接收日期: {_day(doc.received_at_facility_on)}",
                        f"{check(accepted is True)} Accepted 接受  "
                        f"{check(accepted is False)} Rejected 拒收",
                        f"Quantity received 收到数量: {_amount(doc.quantity_received, doc.unit)}",
                        f"Approx. date of treatment 大约处置/回收日期: "
                        f"{_day(doc.approximate_treatment_date)}",
                        f"Operation 作业: {', '.join(doc.waste.operations) or '—'}"], 0.5)]),
        (34, [Block("19", "Certificate of disposal / recovery", "处置/回收证明", [
            "I certify that the disposal / recovery of the waste described above has been "
            "completed. 兹证明上述废物的处置/回收已完成。",
            f"Date 日期: {_day(doc.certificate_of_completion_on)}   Signature 签名:"])]),
    ]  # fmt: skip
    for height, row in rows:
        y = form.row(y, height, row)
    form.row(y, y - MARGIN, [
        Block("20", "Customs office of export / exit", "出口/出境海关",
              [doc.customs_export_exit or "—"], 0.33),
        Block("21", "Customs office of entry", "入境海关", [doc.customs_entry or "—"], 0.33),
        Block("22", "Stamps of customs offices of transit states", "过境国海关印章",
              doc.customs_transit_stamps or ["—"], 0.34),
    ])  # fmt: skip
    return form.finish()
