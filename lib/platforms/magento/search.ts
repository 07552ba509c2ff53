/** Magento's REST search criteria, as query parameters. */
import { toMagentoTime } from './times';

/** One page of the records updated at or after `since` (every record when it is undefined), in ascending `sortField`. */
export function updatedSincePage(since: string | undefined, page: number, pageSize: number, sortField: string): Record<string, string | number> {
	return {
		...(since === undefined
			? {}
			: {
					'searchCriteria[filter_groups][0][filters][0][field]': 'updated_at',
					'searchCriteria[filter_groups][0][filters][0][value]': toMagentoTime(since),
					'searchCriteria[filter_groups][0][filters][0][condition_type]': 'gteq',
				}),
		'searchCriteria[sortOrders][0][field]': sortField,
		'searchCriteria[sortOrders][0][direction]': 'ASC',
		'searchCriteria[pageSize]': pageSize,
		'searchCriteria[currentPage]': page,
	};
}
