import { Field, ObjectType } from 'type-graphql';
import type { DossierStatus } from '../domain/dossier-status.js';
import { DossierStatusEnum } from './dossier-status.enum.js';

@ObjectType({ description: "One system's last known view of a dossier." })
export class Observation {
  @Field(() => String, { description: 'System id: provincial, specialized, national-portal…' })
  system!: string;

  @Field(() => String, { nullable: true, description: "The system's own id for the dossier." })
  nativeId!: string | null;

  @Field(() => String, { description: "The system's own status word or code." })
  nativeStatus!: string;

  @Field(() => DossierStatusEnum, { nullable: true, description: 'Canonical meaning of the native status; null when it has none.' })
  status!: DossierStatus | null;

  @Field(() => String, { description: 'Commune code as the system reports it (may be a pre-2025 code).' })
  communeCode!: string;

  @Field(() => Date, { nullable: true })
  dueAt!: Date | null;

  @Field(() => Date, { description: 'When the system last changed the dossier, by its own clock.' })
  sourceUpdatedAt!: Date;

  @Field(() => String)
  sourceVersion!: string;

  @Field(() => Date, { description: 'When the hub stored this observation.' })
  observedAt!: Date;
}
