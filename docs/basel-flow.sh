#!/usr/bin/env bash
# The whole Basel flow with curl, from filing to the certificate of recovery, against a running
# BaselTrack with demo data: spent lead-acid batteries (A1160 / Y31) from Malaysia through
# Singapore (transit) to the Republic of Korea for recovery R4. Usage: docs/basel-flow.sh [BASE_URL]
set -euo pipefail
BASE=${1:-http://127.0.0.1:8000}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
call() { # call TOKEN METHOD PATH [JSON]
  curl -sS --fail-with-body -X "$2" "$BASE$3" -H "Authorization: Bearer bt_demo_$1" \
       -H 'Content-Type: application/json' ${4:+--data "$4"}
}
day() { python3 -c "import datetime,sys; print(datetime.date.today() + datetime.timedelta(days=int(sys.argv[1])))" "$1"; }

# Demo parties: 2 generator, 3 carrier (MY); 4 consignee, 5 facility (KR). See GET /parties.
# 1. The exporter files the notification (Annex V A, blocks 1-21) as a draft.
N=$(call exporter_my POST /notifications "{
  \"regime\": \"basel\", \"consignee_id\": 4, \"facility_id\": 5,
  \"generators\": [{\"party_id\": 2, \"site\": \"Shah Alam depot\", \"process\": \"Collection of spent vehicle batteries\"}],
  \"carriers\": [{\"party_id\": 3, \"means_of_transport\": [\"R\", \"S\"]}],
  \"shipment_type\": \"multiple\", \"purpose\": \"recovery\", \"intended_shipments\": 12,
  \"quantity\": \"240\", \"unit\": \"t\",
  \"first_departure\": \"$(day 14)\", \"last_departure\": \"$(day 300)\",
  \"packaging\": [\"4\", \"8\"], \"operations\": [\"R4\"],
  \"technology\": \"Rotary furnace smelting and refining of lead\",
  \"designation\": \"Spent lead-acid batteries, whole, undrained\",
  \"physical_characteristics\": [\"2\", \"5\"],
  \"waste\": {\"basel_code\": \"A1160\", \"y_codes\": [\"Y31\", \"Y34\"], \"h_codes\": [\"H8\", \"H11\"],
            \"un_class\": \"8\", \"un_number\": \"2794\", \"hs_code\": \"854911\"},
  \"route\": [{\"country\": \"MY\", \"point_of_exit\": \"Port Klang\"},
            {\"country\": \"SG\", \"point_of_entry\": \"Pasir Panjang\", \"point_of_exit\": \"Pasir Panjang\"},
            {\"country\": \"KR\", \"point_of_entry\": \"Busan\"}],
  \"customs_offices\": {\"export\": \"MYPKG\", \"exit\": \"MYPKG\", \"entry\": \"KRPUS\"},
  \"declaration\": {\"name\": \"Aminah binti Yusof\", \"signed_on\": \"$(day 0)\"}
}" | json '["id"]')
echo "filed notification id $N"

# 2. Submit to the authority of export; 3. it transmits to Singapore and Korea.
call exporter_my POST "/notifications/$N/submit" | json '["status"]'
call authority_my POST "/notifications/$N/transmit" | json '["status"]'
# 4. Korea (state of import) acknowledges; deadlines now run (Singapore: 60 days for transit).
call authority_kr POST "/notifications/$N/acknowledge" | json '["next_actions"]'
# 5. Each state decides: Singapore consents; Korea consents with a condition (from today).
CONSENT="{\"valid_from\": \"$(day 0)\", \"valid_to\": \"$(day 340)\"}"
call authority_sg POST "/notifications/$N/consent" "$CONSENT" | json '["status"]'
call authority_kr POST "/notifications/$N/consent" \
  "{\"valid_from\": \"$(day 0)\", \"valid_to\": \"$(day 340)\", \"conditions\": \"Arrive via Busan only\"}" \
  | json '["status"]'
# 6. The exporter records the contract with the facility and the financial guarantee.
call exporter_my POST "/notifications/$N/contract" \
  "{\"reference\": \"C-2026-14\", \"concluded_on\": \"$(day 0)\"}" | json '["status"]'
call exporter_my POST "/notifications/$N/guarantee" \
  "{\"kind\": \"bond\", \"amount\": \"120000\", \"currency\": \"USD\", \"reference\": \"BOND-77\", \"valid_until\": \"$(day 400)\"}" \
  | json '["status"]'
call exporter_my GET "/notifications/$N" | json '["valid_from"]'
# 7. The first shipment: its movement document (Annex V B), signed, with a QR code; its PDF.
M=$(call exporter_my POST "/notifications/$N/movements" "{
  \"quantity\": \"19.800\", \"unit\": \"t\", \"shipment_date\": \"$(day 10)\",
  \"packaging\": [{\"code\": \"4\", \"count\": 20}], \"containers\": [\"MSKU1234565\"],
  \"carriers\": [{\"party_id\": 3, \"means_of_transport\": \"R\"}, {\"party_id\": 3, \"means_of_transport\": \"S\"}]
}")
MID=$(echo "$M" | json '["id"]')
QR=$(echo "$M" | json '["qr_text"]')
echo "$M" | json '["document_no"]'
curl -sS --fail-with-body "$BASE/movements/$MID/document.pdf" -H "Authorization: Bearer bt_demo_exporter_my" \
  -o "${TMPDIR:-/tmp}/movement-$MID.pdf"
# 8. Prior notice of the shipment to every authority concerned; the carrier takes it over.
call exporter_my POST "/movements/$MID/announce" | json '["status"]'
call carrier_my POST "/movements/$MID/hand-over" \
  "{\"party_id\": 3, \"means_of_transport\": \"R\", \"transferred_on\": \"$(day 0)\"}" | json '["status"]'
# 9. Customs scan the QR code at the borders: exit from Malaysia, entry into Korea.
SCAN="{\"qr_text\": \"$QR\", \"office\": \"MYPKG\", \"direction\": \"exit\"}"
call customs_my POST /scans "$SCAN" | json '["verdict"]'
SCAN="{\"qr_text\": \"$QR\", \"office\": \"KRPUS\", \"direction\": \"entry\"}"
call customs_kr POST /scans "$SCAN" | json '["verdict"]'
# 10. The facility confirms receipt, then certifies recovery (Basel Art. 6(9)).
call facility_kr POST "/movements/$MID/receipt" \
  "{\"received_on\": \"$(day 0)\", \"quantity_received\": \"19.750\", \"accepted\": true}" | json '["status"]'
call facility_kr POST "/movements/$MID/certificate" \
  "{\"completed_on\": \"$(day 0)\", \"operation\": \"R4\"}" | json '["status"]'
# 11. The audit trail of the notification, and the chain check (admin).
call exporter_my GET "/notifications/$N/history" | json '[-1]["action"]'
call admin GET /admin/audit/verify | json '["intact"]'
