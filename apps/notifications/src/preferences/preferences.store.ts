import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_PREFERENCES, type Preferences, PreferencesSchema } from './domain/preferences';
import { INBOX_CHANNELS, type InboxChannels } from '../notifications.channels';

/** Each person's preferences (by token subject); a change is announced so every replica re-reads it. */
@Injectable()
export class PreferencesStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INBOX_CHANNELS) private readonly channels: InboxChannels,
  ) {}

  async of(person: string): Promise<Preferences> {
    const [row] = await this.dataSource.query<Array<{ preferences: unknown }>>(`SELECT preferences FROM notification_preferences WHERE person = $1`, [person]);
    if (!row) return DEFAULT_PREFERENCES;
    // Stored by an older version with fewer fields: the schema fills in the defaults.
    const parsed = PreferencesSchema.safeParse(row.preferences);
    return parsed.success ? parsed.data : DEFAULT_PREFERENCES;
  }

  async save(person: string, preferences: Preferences): Promise<Preferences> {
    await this.dataSource.transaction(async (db) => {
      await db.query(
        `INSERT INTO notification_preferences (person, preferences, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (person) DO UPDATE SET preferences = EXCLUDED.preferences, updated_at = now()`,
        [person, JSON.stringify(preferences)],
      );
      await db.query(`SELECT pg_notify($1, $2)`, [this.channels.preferences, person]);
    });
    return preferences;
  }
}
