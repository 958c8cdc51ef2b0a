/**
 * Resolving a bulletin's audience into its recipients when the hub accepts it
 * (DESIGN §4): named organisations plus the active members of each named group at
 * that moment. Joining a group later opens no past bulletin; leaving one later does
 * not hide what was received through it.
 */
import { type FieldError, ValidationError } from "../errors/errors.js";
import { isAdmin, type Organisation } from "../orgs/types.js";
import type { OrgStore } from "../store/types.js";
import { groupName, isGroupEntry } from "./schema.js";

export async function resolveRecipients(
  orgs: OrgStore,
  audience: readonly string[],
): Promise<string[]> {
  if (audience.length === 0) return [];
  const directory = new Map((await orgs.listOrgs()).map((org) => [org.id, org]));
  const recipients = new Set<string>();
  const errors: FieldError[] = [];
  for (const [index, entry] of audience.entries()) {
    if (isGroupEntry(entry)) {
      const members = [...directory.values()].filter(
        (org) => org.status === "active" && org.groups.includes(groupName(entry)),
      );
      if (members.length === 0)
        errors.push({ pointer: `/audience/${index}`, message: `no organisation is in ${entry}` });
      for (const member of members) recipients.add(member.id);
      continue;
    }
    // The directory is an eventually consistent listing; a named organisation
    // missing from it is read directly before it is called unknown.
    const org = directory.get(entry) ?? (await orgs.getOrg(entry));
    if (org === undefined || !canReceive(org)) {
      errors.push({
        pointer: `/audience/${index}`,
        message: `${entry} is not an organisation that can receive bulletins`,
      });
      continue;
    }
    recipients.add(org.id);
  }
  if (errors.length > 0)
    throw new ValidationError(errors, "The audience names unknown organisations or groups.");
  return [...recipients].sort();
}

/** Operators see no bulletins, so they cannot be an audience. */
function canReceive(org: Organisation): boolean {
  return !isAdmin(org);
}
