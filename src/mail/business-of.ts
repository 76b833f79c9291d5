import { defaultBusinessId } from '../domain/business.ts';

/**
 * The business a recorded event belongs to: `metadata.businessId`, or the default business when
 * the event predates hosting several (or was recorded by a single-business deployment).
 */
export function businessOf(event: { readonly metadata: object }): string {
  const { businessId } = event.metadata as { businessId?: unknown };
  return typeof businessId === 'string' && businessId !== '' ? businessId : defaultBusinessId;
}
