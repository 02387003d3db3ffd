import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { CopyOnce } from './copy-once';

const SHOP_ROLES = ['staff', 'florist', 'dispatcher', 'rider'] as const;
type ShopRole = (typeof SHOP_ROLES)[number];

function useRoleNames(): Record<ShopRole, string> {
  const { t } = useTranslation();
  return { staff: t('common.role.staff'), florist: t('common.role.florist'), dispatcher: t('common.role.dispatcher'), rider: t('common.role.rider') };
}

/** Roles as checkboxes: a person may hold several. */
function RoleChoice({ legend, value, onChange }: { legend: string; value: ShopRole[]; onChange: (roles: ShopRole[]) => void }) {
  const names = useRoleNames();
  return (
    <fieldset className="roles">
      <legend>{legend}</legend>
      {SHOP_ROLES.map((role) => (
        <label key={role} className="inline">
          <input
            type="checkbox"
            checked={value.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...value, role] : value.filter((r) => r !== role))}
          />
          {names[role]}
        </label>
      ))}
    </fieldset>
  );
}

/** The shop's people, its open invitations and its failed sign-ins, as the accounts service answers them. */
export function PeopleSection({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <h2>{t('shop.people.title')}</h2>
      <Members shopId={shopId} />
      <h2>{t('shop.invitations.title')}</h2>
      <InviteForm shopId={shopId} />
      <Invitations shopId={shopId} />
      <h2>{t('shop.failures.title')}</h2>
      <SignInFailures shopId={shopId} />
    </div>
  );
}

type Member = Awaited<ReturnType<typeof listMembers>>['items'][number];
const listMembers = (shopId: string) => data(api.accounts.GET('/shops/{shopId}/members', { params: { path: { shopId } } }));

function Members({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const members = useQuery({ queryKey: ['members', shopId], queryFn: () => listMembers(shopId) });
  return (
    <>
      <ApiProblem error={members.error} />
      {members.isPending && <p role="status">{t('common.loading')}</p>}
      {members.data && (
        <div className="table-scroll">
          <table>
            <caption>{t('shop.people.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('shop.people.name')}</th>
                <th scope="col">{t('shop.people.email')}</th>
                <th scope="col">{t('shop.people.roles')}</th>
                <th scope="col">{t('shop.people.rights')}</th>
                <th scope="col">{t('shop.people.joined')}</th>
                <th scope="col">{t('shop.people.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((member) => (
                <MemberRow key={member.personId} shopId={shopId} member={member} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function MemberRow({ shopId, member }: { shopId: string; member: Member }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useRoleNames();
  const client = useQueryClient();
  const [editing, setEditing] = useState<ShopRole[] | undefined>();
  const [confirming, setConfirming] = useState(false);
  const refresh = () => void client.invalidateQueries({ queryKey: ['members', shopId] });
  const path = { shopId, personId: member.personId };

  const change = useMutation({
    mutationFn: (roles: ShopRole[]) =>
      data(api.accounts.PATCH('/shops/{shopId}/members/{personId}', { params: { path, header: { 'Idempotency-Key': idempotencyKey() } }, body: { roles } })),
    onSuccess: () => {
      setEditing(undefined);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      data(api.accounts.DELETE('/shops/{shopId}/members/{personId}', { params: { path, header: { 'Idempotency-Key': idempotencyKey() } }, body: {} })),
    onSuccess: refresh,
    onSettled: () => setConfirming(false),
  });
  const rights = [member.owner && t('shop.people.owner'), member.manageTeam && t('shop.people.manageTeam')].filter(Boolean).join(', ');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editing) change.mutate(editing);
  };

  return (
    <tr data-person-id={member.personId}>
      <th scope="row">{member.displayName}</th>
      <td>{member.email ?? ''}</td>
      <td>
        {editing ? (
          <form onSubmit={submit} className="stack">
            <RoleChoice legend={t('shop.people.rolesOf', { name: member.displayName })} value={editing} onChange={setEditing} />
            <div className="row">
              <button type="submit" disabled={change.isPending || editing.length === 0}>
                {t('common.save')}
              </button>
              <button type="button" onClick={() => setEditing(undefined)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : (
          member.roles.map((r) => names[r]).join(', ')
        )}
        <ApiProblem error={change.error} />
      </td>
      <td>{rights}</td>
      <td>{format.dateTime(member.joinedAt)}</td>
      <td>
        <div className="row">
          {!editing && (
            <button type="button" onClick={() => setEditing(member.roles)}>
              {t('shop.people.changeRoles', { name: member.displayName })}
            </button>
          )}
          {confirming ? (
            <>
              <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
                {t('shop.people.confirmRemove', { name: member.displayName })}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>
              {t('shop.people.remove', { name: member.displayName })}
            </button>
          )}
        </div>
        <ApiProblem error={remove.error} />
      </td>
    </tr>
  );
}

function InviteForm({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<ShopRole[]>(['staff']);
  const [days, setDays] = useState(7);
  const invite = useMutation({
    mutationFn: () =>
      data(
        api.accounts.POST('/shops/{shopId}/invitations', {
          params: { path: { shopId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { roles, expiresInDays: days, ...(email.trim() ? { email: email.trim() } : {}) },
        }),
      ),
    onSuccess: () => {
      setEmail('');
      void client.invalidateQueries({ queryKey: ['invitations', shopId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  const issued = invite.data;

  return (
    <>
      <form className="card stack" onSubmit={submit} aria-labelledby="invite-title">
        <h3 id="invite-title">{t('shop.invitations.invite')}</h3>
        <div className="row">
          <label>
            {t('shop.invitations.email')}
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby="invite-email-note" />
          </label>
          <label>
            {t('shop.invitations.expiresInDays')}
            <input type="number" min={1} max={30} required value={days} onChange={(e) => setDays(Number(e.target.value))} />
          </label>
        </div>
        <p id="invite-email-note" className="muted">
          {t('shop.invitations.emailNote')}
        </p>
        <RoleChoice legend={t('shop.invitations.roles')} value={roles} onChange={setRoles} />
        <div>
          <button type="submit" disabled={invite.isPending || roles.length === 0}>
            {email.trim() ? t('shop.invitations.sendEmail') : t('shop.invitations.makeLink')}
          </button>
        </div>
        <ApiProblem error={invite.error} />
      </form>
      {issued?.link && <CopyOnce label={t('shop.invitations.link')} value={issued.link} note={t('shop.invitations.linkOnce')} />}
      {issued && !issued.link && <p role="status">{t('shop.invitations.noLink')}</p>}
    </>
  );
}

function Invitations({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useRoleNames();
  const client = useQueryClient();
  const invitations = useQuery({
    queryKey: ['invitations', shopId],
    queryFn: () => data(api.accounts.GET('/shops/{shopId}/invitations', { params: { path: { shopId } } })),
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) =>
      data(
        api.accounts.POST('/shops/{shopId}/invitations/{invitationId}/revoke', {
          params: { path: { shopId, invitationId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: {},
        }),
      ),
    onSuccess: (list) => client.setQueryData(['invitations', shopId], list),
  });
  return (
    <>
      <ApiProblem error={invitations.error ?? revoke.error} />
      {invitations.data && invitations.data.items.length === 0 && <p>{t('shop.invitations.none')}</p>}
      {invitations.data && invitations.data.items.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>{t('shop.invitations.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('shop.invitations.to')}</th>
                <th scope="col">{t('shop.invitations.roles')}</th>
                <th scope="col">{t('shop.invitations.created')}</th>
                <th scope="col">{t('shop.invitations.expires')}</th>
                <th scope="col">{t('shop.people.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.items.map((inv) => {
                const to = inv.email ?? t('shop.invitations.byLink');
                return (
                  <tr key={inv.invitationId} data-invitation-id={inv.invitationId}>
                    <th scope="row">{to}</th>
                    <td>{inv.roles.map((r) => names[r]).join(', ')}</td>
                    <td>{format.dateTime(inv.createdAt)}</td>
                    <td>{format.dateTime(inv.expiresAt)}</td>
                    <td>
                      <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(inv.invitationId)}>
                        {t('shop.invitations.revoke', { to })}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function SignInFailures({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const failures = useQuery({
    queryKey: ['sign-in-failures', shopId],
    queryFn: () => data(api.accounts.GET('/shops/{shopId}/sign-in-failures', { params: { path: { shopId }, query: { limit: 50 } } })),
  });
  const unlock = useMutation({
    mutationFn: (personId: string) =>
      data(
        api.accounts.POST('/shops/{shopId}/sign-in-failures/unlock', {
          params: { path: { shopId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { personId },
        }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sign-in-failures', shopId] }),
  });
  const reasons = {
    wrong_password: t('shop.failures.reason.wrongPassword'),
    unknown_account: t('shop.failures.reason.unknownAccount'),
    locked: t('shop.failures.reason.locked'),
  };
  return (
    <>
      <ApiProblem error={failures.error ?? unlock.error} />
      <p role="status">{unlock.data ? (unlock.data.wasLocked ? t('shop.failures.unlocked') : t('shop.failures.wasNotLocked')) : ''}</p>
      {failures.data && failures.data.items.length === 0 && <p>{t('shop.failures.none')}</p>}
      {failures.data && failures.data.items.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>{t('shop.failures.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('shop.failures.at')}</th>
                <th scope="col">{t('shop.failures.email')}</th>
                <th scope="col">{t('shop.failures.reasonColumn')}</th>
                <th scope="col">{t('shop.failures.address')}</th>
                <th scope="col">{t('shop.people.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {failures.data.items.map((f, i) => (
                <tr key={`${f.at}-${i}`}>
                  <td>{format.dateTime(f.at)}</td>
                  <th scope="row">{f.email}</th>
                  <td data-status={f.reason}>{reasons[f.reason]}</td>
                  <td>
                    {f.clientAddress}
                    {f.userAgent && <div className="muted small">{f.userAgent}</div>}
                  </td>
                  <td>
                    {f.personId && (
                      <button type="button" disabled={unlock.isPending} onClick={() => unlock.mutate(f.personId as string)}>
                        {t('shop.failures.unlock', { email: f.email })}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
