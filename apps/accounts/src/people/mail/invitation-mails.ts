import { type PeriodicTask, periodicTask } from '@petalpost/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { ShopRole } from '../domain/shop.events';
import { Mailer } from './mailer';

export const INVITATION_MAILS = Symbol('INVITATION_MAILS');
export type InvitationMails = PeriodicTask;

const BATCH = 20;

/** Queues the invitation's e-mail in the transaction that records the invitation: it is sent only if the invitation committed. */
export async function queueInvitationMail(
  db: EntityManager,
  mail: { invitationId: string; shopId: string; to: string; roles: ShopRole[]; expiresAt: string; link: string },
): Promise<void> {
  const [shop]: Array<{ name: string }> = await db.query(`SELECT name FROM shops WHERE shop_id = $1`, [mail.shopId]);
  const shopName = shop?.name ?? 'a shop';
  const text = [
    `You are invited to join ${shopName} on Petalpost as ${mail.roles.join(', ')}.`,
    '',
    `Accept the invitation: ${mail.link}`,
    '',
    `The link works once and expires at ${mail.expiresAt}. If you did not expect it, ignore this e-mail.`,
  ].join('\n');
  await db.query(`INSERT INTO invitation_mails (invitation_id, shop_id, recipient, subject, body) VALUES ($1, $2, $3, $4, $5)`, [
    mail.invitationId,
    mail.shopId,
    mail.to,
    `Join ${shopName} on Petalpost`,
    text,
  ]);
}

/**
 * Sends queued invitation e-mails, every second and at once after an invitation (runPass). Each
 * replica takes rows nobody else holds; a sent mail's body (it carries the secret link) is cleared.
 */
export const invitationMails = periodicTask(
  INVITATION_MAILS,
  (dataSource: DataSource, mailer: Mailer) => ({
    name: 'people:invitation-mails',
    everyMs: 1_000,
    failure: 'could not send invitation e-mails; trying again',
    pass: () =>
      dataSource.transaction(async (db) => {
        const due: Array<{ invitation_id: string; recipient: string; subject: string; body: string }> = await db.query(
          `SELECT invitation_id, recipient, subject, body FROM invitation_mails
            WHERE sent_at IS NULL AND attempts < 10 ORDER BY created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        );
        for (const mail of due) {
          try {
            await mailer.send({ to: mail.recipient, subject: mail.subject, text: mail.body });
            await db.query(`UPDATE invitation_mails SET sent_at = now(), body = NULL, attempts = attempts + 1, last_error = NULL WHERE invitation_id = $1`, [
              mail.invitation_id,
            ]);
          } catch (err) {
            await db.query(`UPDATE invitation_mails SET attempts = attempts + 1, last_error = $2 WHERE invitation_id = $1`, [
              mail.invitation_id,
              (err as Error).message,
            ]);
          }
        }
      }),
  }),
  [DataSource, Mailer],
);
