/**
 * Organisations and groups, for the hub's administrator (DESIGN §16): every
 * organisation with its roles, groups and keys; onboarding one from its analyst's key
 * request (the proof checked here first, since the hub takes onboarding keys as they
 * come); changing roles and groups; suspending and activating. Groups are what the
 * organisations say they belong to, listed with their members.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import {
  checkKeyRequest,
  type Organisation,
  parseKeyRequest,
  type Role,
} from "../../../cli/sdk/index.js";
import { ORG_TYPES, ROLES } from "../../../shared/orgs/types.js";
import type { PageProps } from "../app.js";
import { ErrorNote, PageTitle } from "../components/common.js";

export function AdminPage({ session }: PageProps) {
  const [orgs, setOrgs] = useState<Organisation[]>();
  const [error, setError] = useState<unknown>();
  const reload = () => session.client.admin.listOrgs().then(setOrgs, setError);
  useEffect(() => void reload(), [session]);
  const groups = useMemo(() => {
    const members = new Map<string, string[]>();
    for (const org of orgs ?? [])
      for (const group of org.groups) members.set(group, [...(members.get(group) ?? []), org.id]);
    return [...members.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [orgs]);
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Organisations and groups</PageTitle>
      <ErrorNote error={error} />
      <Onboard session={session} onDone={() => void reload()} />
      <section aria-labelledby="orgs-title">
        <h2 id="orgs-title">Organisations</h2>
        {orgs?.map((org) => (
          <OrgCard key={org.id} session={session} org={org} onChanged={() => void reload()} />
        ))}
      </section>
      <section aria-labelledby="groups-title">
        <h2 id="groups-title">Groups</h2>
        <dl class="facts" data-testid="groups">
          {groups.map(([group, members]) => (
            <>
              <dt key={`${group}-name`}>group:{group}</dt>
              <dd key={`${group}-members`}>{members.join(", ")}</dd>
            </>
          ))}
        </dl>
      </section>
    </section>
  );
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

function Onboard({ session, onDone }: { session: PageProps["session"]; onDone: () => void }) {
  const [file, setFile] = useState<File>();
  const [name, setName] = useState("");
  const [type, setType] = useState<string>("exchange");
  const [roles, setRoles] = useState("subscribe,screen");
  const [groups, setGroups] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState("");
  return (
    <details class="card">
      <summary>Onboard an organisation from a key request</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (file === undefined) return;
          setError(undefined);
          void (async () => {
            try {
              const request = parseKeyRequest(JSON.parse(await file.text()));
              await checkKeyRequest(request);
              const created = await session.client.admin.createOrg({
                id: request.org,
                name: name.trim(),
                type: type as Organisation["type"],
                roles: splitList(roles) as Role[],
                groups: splitList(groups),
                jwks: { keys: [request.jwk] },
              });
              setDone(`Onboarded ${created.id}.`);
              onDone();
            } catch (caught) {
              setError(caught);
            }
          })();
        }}
      >
        <label for="onboard-file">Key request file</label>
        <input
          id="onboard-file"
          type="file"
          accept=".json,application/json"
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
        <label for="onboard-name">Name</label>
        <input
          id="onboard-name"
          value={name}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="onboard-type">Type</label>
        <select id="onboard-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {ORG_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label for="onboard-roles">Roles (comma-separated: {ROLES.join(", ")})</label>
        <input id="onboard-roles" value={roles} onInput={(e) => setRoles(e.currentTarget.value)} />
        <label for="onboard-groups">Groups (comma-separated)</label>
        <input
          id="onboard-groups"
          value={groups}
          onInput={(e) => setGroups(e.currentTarget.value)}
        />
        <ErrorNote error={error} />
        <button type="submit" disabled={file === undefined}>
          Onboard
        </button>
        <p role="status">{done}</p>
      </form>
    </details>
  );
}

function OrgCard({
  session,
  org,
  onChanged,
}: {
  session: PageProps["session"];
  org: Organisation;
  onChanged: () => void;
}) {
  const [roles, setRoles] = useState(org.roles.join(","));
  const [groups, setGroups] = useState(org.groups.join(","));
  const [error, setError] = useState<unknown>();
  const patch = (change: Parameters<typeof session.client.admin.patchOrg>[1]) =>
    session.client.admin.patchOrg(org.id, change).then(onChanged, setError);
  return (
    <section class="card" aria-label={`Organisation ${org.id}`} data-testid="org">
      <h3>
        {org.name} <span class="mono">({org.id})</span>
      </h3>
      <p>
        {org.type} · <span class={`status status-${org.status}`}>{org.status}</span> ·{" "}
        {org.keys.filter((k) => k.status === "active").length} active key(s)
      </p>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void patch({ roles: splitList(roles) as Role[], groups: splitList(groups) });
        }}
      >
        <div class="field">
          <label for={`roles-${org.id}`}>Roles of {org.id}</label>
          <input
            id={`roles-${org.id}`}
            value={roles}
            onInput={(e) => setRoles(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`groups-${org.id}`}>Groups of {org.id}</label>
          <input
            id={`groups-${org.id}`}
            value={groups}
            onInput={(e) => setGroups(e.currentTarget.value)}
          />
        </div>
        <button type="submit">Save</button>
        {org.id === session.me.id ? null : (
          <button
            type="button"
            onClick={() => void patch({ status: org.status === "active" ? "suspended" : "active" })}
          >
            {org.status === "active" ? "Suspend" : "Activate"}
          </button>
        )}
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
