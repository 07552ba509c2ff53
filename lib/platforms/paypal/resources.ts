import type { Transport } from '../../transport/transport';
import { matching, type ResourceLister, type ResourceQuery } from '../resources';

interface PayPalPlan {
	id: string;
	name: string;
	status: string;
	product_id?: string;
}

/** PayPal's largest page of plans. */
const PAGE_SIZE = 20;

/**
 * The billing plans a subscription can be made to (`GET /v1/billing/plans`, ACTIVE ones: PayPal refuses the others),
 * a page at a time by page number; PayPal's list carries no prices and cannot search: the search box filters each page.
 */
async function billingPlans(transport: Transport, query: ResourceQuery) {
	const page = Number(query.cursor ?? 1);
	const params = new URLSearchParams({ page_size: String(PAGE_SIZE), page: String(Number.isInteger(page) && page > 0 ? page : 1), total_required: 'true' });
	const body = await transport.request<{ plans?: PayPalPlan[]; total_pages?: number }>({ method: 'GET', url: `/v1/billing/plans?${params}` });
	const active = (body.plans ?? []).filter((plan) => plan.status === 'ACTIVE').map((plan) => ({ id: plan.id, name: plan.name }));
	return { options: matching(active, query.filter), next: page < (body.total_pages ?? 0) ? String(page + 1) : undefined };
}

export const payPalResources: Record<string, ResourceLister> = { billingPlans };
