import { DomainError } from '../../shared/domain-error';

export class WorkspaceNotFound extends DomainError {
  readonly code = 'WORKSPACE.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor() {
    super('Workspace not found');
  }
}

export class WorkspaceAlreadyExists extends DomainError {
  readonly code = 'WORKSPACE.ALREADY_EXISTS';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This workspace already exists');
  }
}

export class InvalidWorkspaceName extends DomainError {
  readonly code = 'WORKSPACE.INVALID_NAME';
  readonly kind = 'BAD_INPUT';
  constructor() {
    super('Give the workspace a name (1 to 200 characters)');
  }
}

export class NotAllowedToManageMembers extends DomainError {
  readonly code = 'WORKSPACE.NOT_ALLOWED';
  readonly kind = 'FORBIDDEN';
  constructor(what: string) {
    super(`Only an owner or admin of the workspace can ${what}; an admin cannot grant or take away the owner role`);
  }
}

export class MemberAlreadyExists extends DomainError {
  readonly code = 'WORKSPACE.MEMBER_EXISTS';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This user is already a member: change their role instead');
  }
}

export class MemberNotFound extends DomainError {
  readonly code = 'WORKSPACE.MEMBER_NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor() {
    super('This user is not a member of the workspace');
  }
}

export class LastOwner extends DomainError {
  readonly code = 'WORKSPACE.LAST_OWNER';
  readonly kind = 'CONFLICT';
  constructor() {
    super('A workspace needs at least one owner: make someone else owner first');
  }
}

export class InvalidWorkspaceProfile extends DomainError {
  readonly code = 'WORKSPACE.INVALID_PROFILE';
  readonly kind = 'BAD_INPUT';
}
