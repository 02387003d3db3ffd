import { Module } from '@nestjs/common';
import { EventStore } from '@petalpost/event-store';
import { DataSource } from 'typeorm';
import { InvitationsController } from './api/invitations.controller';
import { MeController } from './api/me.controller';
import { ShopsController } from './api/shops.controller';
import { invitationMails } from './mail/invitation-mails';
import { mailerProvider } from './mail/mailer';
import { PeopleDirectory } from './people-directory';
import { peopleProjections } from './projections/people-projections';
import { ShopCommands } from './shop-commands';

/**
 * Shops and their people: sign-up, members with roles and rights per shop, invitations (by e-mail
 * through the outbox, or as a link), the audit, and the directory sign-in reads. Its EventStore is
 * the service's one log, through an instance of its own (the root module does not export its store).
 */
@Module({
  controllers: [ShopsController, InvitationsController, MeController],
  providers: [
    { provide: EventStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new EventStore(dataSource) },
    ShopCommands,
    PeopleDirectory,
    peopleProjections,
    mailerProvider,
    invitationMails,
  ],
  exports: [PeopleDirectory],
})
export class PeopleModule {}
