// The people slice's entry point: shops, people, memberships and invitations — the module, its
// tables, its config, the directory sign-in reads, and what the operator command writes.
export { type DirectoryMembership, type DirectoryPerson, PeopleDirectory } from './people-directory';
export { peopleConfigShape, type PeopleConfig } from './people.config';
export { People1780000000000, ShopCurrency1782000000000 } from './people.migration';
export { PeopleModule } from './people.module';
export { registerOperator } from './operators';
