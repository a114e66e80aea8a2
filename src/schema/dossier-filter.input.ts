import { Field, InputType } from 'type-graphql';
import type { DossierStatus } from '../domain/dossier-status.js';
import { DossierStatusEnum } from './dossier-status.enum.js';

@InputType({ description: 'Which dossiers to list; all conditions must hold.' })
export class DossierFilter {
  @Field(() => String, { nullable: true, description: 'Two-digit province code, e.g. "96" (Cà Mau).' })
  provinceCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Five-digit commune code.' })
  communeCode?: string | null;

  @Field(() => [DossierStatusEnum], { nullable: true })
  status?: DossierStatus[] | null;

  @Field(() => String, { nullable: true, description: 'National procedure code, e.g. 1.001193.' })
  procedureCode?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only dossiers with (true) or without (false) an open mismatch.' })
  hasMismatch?: boolean | null;
}
