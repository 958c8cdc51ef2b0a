/**
 * Content negotiation for TAXII (§1.6.8): every resource here is
 * `application/taxii+json;version=2.1`. An `Accept` naming no range that allows it is a
 * 406; no `Accept` at all takes it.
 */
import { NotAcceptableError } from "../errors/errors.js";
import { TAXII_MEDIA_TYPE } from "./collection.js";

export function checkAccept(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === "") return;
  if (accept.split(",").some(allowsTaxii)) return;
  throw new NotAcceptableError(
    `This resource is only available as ${TAXII_MEDIA_TYPE}: send Accept: ${TAXII_MEDIA_TYPE}.`,
  );
}

function allowsTaxii(range: string): boolean {
  const [type = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
  const params = new Map(
    parameters.map((parameter) => {
      const [name = "", value = ""] = parameter.split("=").map((part) => part.trim());
      return [name, value.replace(/^"(.*)"$/, "$1")] as const;
    }),
  );
  const q = params.get("q");
  if (q !== undefined && !(Number(q) > 0)) return false;
  if (type === "*/*" || type === "application/*") return true;
  if (type !== "application/taxii+json") return false;
  const version = params.get("version");
  return version === undefined || version === "2.1";
}
