import { Injectable } from '@nestjs/common';
import type { DirectoryMembership, DirectoryPerson, SignInDirectory } from './sign-in-directory';

/**
 * Knows nobody: the binding until the people slice's directory is wired in. Every sign-in is the
 * unknown-account path (a dummy verification, INVALID_CREDENTIALS).
 */
@Injectable()
export class UnwiredDirectory implements SignInDirectory {
  byEmail(): DirectoryPerson | undefined {
    return undefined;
  }

  byId(): DirectoryPerson | undefined {
    return undefined;
  }

  membershipsOf(): DirectoryMembership[] {
    return [];
  }

  verifyPassword(): boolean {
    return false;
  }
}
