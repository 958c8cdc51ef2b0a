/**
 * Bulletins as CSV (RFC 4180): one row per indicator, with the bulletin's fields
 * beside it, for spreadsheets and ticketing. TLP:RED is never written. Cells that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
 * are prefixed with `'`, as OWASP advises: an exported title must not execute.
 */
import type { BulletinView } from "../../bulletins/wire.js";
import { checkIndicator } from "../../indicators/indicator.js";
import { exportTlp } from "../stix/markings.js";

export const CSV_COLUMNS = [
  "bulletin_id",
  "issuer",
  "issuer_name",
  "status",
  "tlp",
  "category",
  "confidence",
  "issued_at",
  "valid_until",
  "received_at",
  "title",
  "indicator_index",
  "indicator_type",
  "chain",
  "platform",
  "value",
  "normalised",
  "asset",
  "role",
] as const;

/** The rows (cells, unquoted) of one bulletin, in its indicators' order. */
export function csvRows(view: BulletinView, issuerName: string): string[][] {
  const payload = view.bulletin;
  const tlp = exportTlp(payload.tlp);
  return payload.indicators.map((indicator, index) => {
    const check = checkIndicator(indicator);
    const value =
      indicator.type === "crypto_address"
        ? indicator.address
        : indicator.type === "tx_hash"
          ? indicator.hash
          : indicator.value;
    return [
      view.id,
      view.issuer,
      issuerName,
      view.status,
      tlp,
      payload.category,
      String(payload.confidence),
      payload.issued_at,
      payload.valid_until ?? "",
      view.received_at,
      payload.title,
      String(index),
      indicator.type,
      "chain" in indicator ? indicator.chain : "",
      indicator.type === "channel"
        ? indicator.platform
        : indicator.type === "telegram_channel"
          ? "telegram"
          : "",
      value,
      check.ok ? check.normalised : "",
      indicator.type === "crypto_address" ? (indicator.asset ?? "") : "",
      indicator.type === "crypto_address" ? (indicator.role ?? "") : "",
    ];
  });
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV line (with CRLF, as RFC 4180 has it). */
export function csvLine(cells: readonly string[]): string {
  return `${cells
    .map((cell) => {
      const safe = FORMULA_START.test(cell) ? `'${cell}` : cell;
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(",")}\r\n`;
}
