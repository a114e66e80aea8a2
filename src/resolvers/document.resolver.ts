import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { isConnectorError } from '../connectors/connector-error.js';
import type { ArchiveFile as ArchiveFileRecord } from '../connectors/document-source.js';
import type { DocumentPosition, DocumentQuery, DocumentRow } from '../db/document.repository.js';
import { forbidden } from '../auth/auth-checker.js';
import type { RequestContext } from '../http/context.js';
import { decodeCursor, encodeCursor, requireCommuneCode, requirePageSize, requireProvinceCode } from '../schema/arguments.js';
import { ArchiveFile, ArchiveFileFilter, DigitizationProgress } from '../schema/archive-file.type.js';
import { DocumentFilter } from '../schema/document-filter.input.js';
import { Document, DocumentConnection } from '../schema/document.type.js';
import { badUserInput, upstreamError } from '../schema/errors.js';
import { connectionOf } from '../schema/connection.js';

const MAX_PAGE = 100;
type LazyDocumentConnection = Omit<DocumentConnection, 'totalCount'> & { query: DocumentQuery };

@Resolver(() => Document)
export class DocumentResolver {
  @Authorized('documents:read')
  @Query(() => DocumentConnection, { description: `Documents of both document systems, newest first; at most ${MAX_PAGE} a page.` })
  async documents(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => DocumentFilter, { nullable: true }) filter?: DocumentFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<LazyDocumentConnection> {
    const size = requirePageSize(first, MAX_PAGE);
    const query = toQuery(filter ?? {});
    const position = after ? decodePosition(after) : null;
    const page = await ctx.services.documents.page(query, position, size);
    const edges = page.items.map((row) => ({ cursor: encodePosition(row), node: toDocument(row) }));
    return {
      ...connectionOf(edges, page.hasNextPage, position !== null),
      query,
    };
  }

  @Authorized('documents:read')
  @Query(() => Document, { nullable: true })
  async document(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Document | null> {
    if (!/^(party-documents|government-documents):.{1,200}$/.test(id)) {
      throw badUserInput('document id must be `party-documents:…` or `government-documents:…`', 'id');
    }
    const [row] = await ctx.services.documents.byIds([id]);
    return row ? toDocument(row) : null;
  }

  @Authorized('documents:read')
  @Query(() => [ArchiveFile], { description: 'Archive records of dissolved districts, by province or by the commune that received them.' })
  async archiveFiles(@Ctx() ctx: RequestContext, @Arg('filter', () => ArchiveFileFilter) filter: ArchiveFileFilter): Promise<ArchiveFile[]> {
    const hasProvince = Boolean(filter.provinceCode);
    const hasCommune = Boolean(filter.communeCode);
    if (hasProvince === hasCommune) throw badUserInput('give exactly one of provinceCode and communeCode', 'filter');
    const digitization = filter.digitization ?? undefined;
    if (digitization && !['NOT_STARTED', 'IN_PROGRESS', 'DIGITIZED'].includes(digitization)) {
      throw badUserInput('digitization must be NOT_STARTED, IN_PROGRESS or DIGITIZED', 'filter.digitization');
    }
    try {
      const files = await ctx.services.documents.archiveFiles({
        ...(filter.provinceCode ? { provinceCode: requireProvinceCode(filter.provinceCode, 'filter.provinceCode') } : {}),
        ...(filter.communeCode ? { communeCode: requireCommuneCode(filter.communeCode, 'filter.communeCode') } : {}),
        ...(digitization ? { digitization: digitization as ArchiveFileRecord['digitization'] } : {}),
      } as Parameters<typeof ctx.services.documents.archiveFiles>[0]);
      return files.map((f) => ({ ...f, startDate: String(f.startDate), endDate: String(f.endDate) }));
    } catch (error) {
      if (isConnectorError(error)) throw upstreamError(error);
      throw error;
    }
  }

  @Authorized('documents:read')
  @Query(() => DigitizationProgress, { description: 'Pages digitized of the archives a province (2 digits) or commune (5 digits) holds.' })
  async digitizationProgress(@Ctx() ctx: RequestContext, @Arg('unitCode', () => String) unitCode: string): Promise<DigitizationProgress> {
    if (!/^(\d{2}|\d{5})$/.test(unitCode)) throw badUserInput('unit code must be 2 (province) or 5 (commune) digits', 'unitCode');
    try {
      return await ctx.services.documents.digitization(unitCode);
    } catch (error) {
      if (isConnectorError(error)) throw upstreamError(error);
      throw error;
    }
  }
}

@Resolver(() => Document)
export class DocumentContentResolver {
  @FieldResolver(() => String, { nullable: true })
  subject(@Root() document: Document, @Ctx() ctx: RequestContext): string | null {
    if (document.secrecy !== 'NONE' && !ctx.principal.scopes.has('documents:confidential')) {
      throw forbidden(`the content of a ${document.secrecy} document needs scope documents:confidential`);
    }
    return document.subject;
  }
}

@Resolver(() => DocumentConnection)
export class DocumentConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: LazyDocumentConnection, @Ctx() ctx: RequestContext): Promise<number> {
    return ctx.services.documents.count(connection.query);
  }
}

function toQuery(filter: DocumentFilter): DocumentQuery {
  for (const source of filter.source ?? []) {
    if (source !== 'party-documents' && source !== 'government-documents') {
      throw badUserInput(`unknown document source ${source.slice(0, 40)}`, 'filter.source');
    }
  }
  if (filter.direction && filter.direction !== 'INCOMING' && filter.direction !== 'OUTGOING') {
    throw badUserInput('direction must be INCOMING or OUTGOING', 'filter.direction');
  }
  if (filter.text && filter.text.length > 200) throw badUserInput('text must be at most 200 characters', 'filter.text');
  return {
    sources: filter.source ?? null,
    provinceCode: filter.provinceCode ? requireProvinceCode(filter.provinceCode, 'filter.provinceCode') : null,
    communeCode: filter.communeCode ? requireCommuneCode(filter.communeCode, 'filter.communeCode') : null,
    direction: filter.direction ?? null,
    statuses: filter.status ?? null,
    secrecy: filter.secrecy ?? null,
    issuedFrom: filter.issuedFrom ?? null,
    issuedTo: filter.issuedTo ?? null,
    text: filter.text?.trim() || null,
  };
}

function encodePosition(row: DocumentRow): string {
  return encodeCursor(`${row.issuedAt.toISOString()}|${row.id}`);
}

function decodePosition(cursor: string): DocumentPosition {
  const key = decodeCursor(cursor);
  const split = key.indexOf('|');
  const issuedAt = new Date(key.slice(0, split));
  if (split < 0 || Number.isNaN(issuedAt.getTime())) throw badUserInput('the cursor is not one this API returned', 'after');
  return { issuedAt, id: key.slice(split + 1) };
}

export function toDocument(row: DocumentRow): Document {
  return {
    id: row.id,
    source: row.source,
    direction: row.direction,
    number: row.number,
    typeCode: row.typeCode,
    typeName: row.typeName,
    subject: row.subject,
    issuerOrganId: row.issuerOrganId,
    issuerName: row.issuerName,
    issuedAt: row.issuedAt,
    dueAt: row.dueAt,
    arrivedAt: row.arrivedAt,
    urgency: row.urgency,
    secrecy: row.secrecy,
    pageCount: row.pageCount,
    signerName: row.signerName,
    signerPosition: row.signerPosition,
    provinceCode: row.provinceCode,
    communeCode: row.communeCode,
    status: row.status,
    nativeStatus: row.nativeStatus,
    updatedAt: row.sourceUpdatedAt,
  };
}
