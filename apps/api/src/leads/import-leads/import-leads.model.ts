import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('InvalidLeadRow')
export class InvalidLeadRowModel {
  @Field(() => Int, { description: 'importLeads: 1-based position in `leads`; CSV: the row number with the header as row 1' })
  row!: number;

  @Field({ description: 'The email as given (may be empty)' })
  email!: string;

  @Field({ description: 'What to fix' })
  reason!: string;
}

@ObjectType('ImportLeadsResult')
export class ImportLeadsResultModel {
  @Field(() => Int)
  created!: number;

  @Field(() => Int, { description: 'Rows whose email is already a lead of the workspace, or appears earlier in the same import' })
  duplicates!: number;

  @Field(() => [InvalidLeadRowModel], { description: 'The first 1000 invalid rows, in row order' })
  invalid!: InvalidLeadRowModel[];

  @Field(() => Int, { description: 'All invalid rows (the list stops at 1000)' })
  invalidCount!: number;
}
