/**
 * The part of Shopify's Admin GraphQL schema (2025-01) this sandbox serves; `schema.graphql` is generated from it
 * and Shopify's published schema (see support/graphqlSchemas.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const servedFields: Record<string, string[]> = {
	QueryRoot: ['inventoryItem', 'inventoryItems', 'order', 'orders', 'locations', 'product', 'products', 'customer', 'customers', 'currentBulkOperation', 'node', 'nodes'],
	LocationConnection: ['nodes', 'pageInfo'],
	Mutation: ['inventoryAdjustQuantities', 'inventorySetQuantities', 'productSet', 'customerCreate', 'customerUpdate', 'customerEmailMarketingConsentUpdate', 'stagedUploadsCreate', 'bulkOperationRunMutation'],
	Node: ['id'],
	BulkOperation: ['id', 'type', 'status', 'errorCode', 'createdAt', 'completedAt', 'objectCount', 'fileSize', 'url', 'partialDataUrl'],
	BulkOperationRunMutationPayload: ['bulkOperation', 'userErrors'],
	BulkMutationUserError: ['code', 'field', 'message'],
	StagedUploadsCreatePayload: ['stagedTargets', 'userErrors'],
	StagedMediaUploadTarget: ['url', 'resourceUrl', 'parameters'],
	StagedUploadParameter: ['name', 'value'],
	InventoryItemConnection: ['nodes', 'pageInfo'],
	InventoryItem: ['id', 'legacyResourceId', 'sku', 'tracked', 'inventoryLevel', 'measurement'],
	InventoryItemMeasurement: ['id', 'weight'],
	Weight: ['unit', 'value'],
	ProductConnection: ['nodes', 'pageInfo'],
	Product: ['id', 'legacyResourceId', 'title', 'descriptionHtml', 'status', 'updatedAt', 'options', 'variants'],
	ProductOption: ['id', 'name', 'position', 'values', 'optionValues'],
	ProductOptionValue: ['id', 'name', 'hasVariants'],
	SelectedOption: ['name', 'value'],
	ProductVariantConnection: ['nodes', 'pageInfo'],
	ProductVariant: ['id', 'sku', 'price', 'compareAtPrice', 'selectedOptions', 'inventoryItem'],
	ProductSetPayload: ['product', 'userErrors'],
	ProductSetUserError: ['code', 'field', 'message'],
	CustomerConnection: ['nodes', 'pageInfo'],
	Customer: ['id', 'legacyResourceId', 'email', 'firstName', 'lastName', 'phone', 'updatedAt', 'emailMarketingConsent'],
	CustomerEmailMarketingConsentState: ['marketingState', 'marketingOptInLevel', 'consentUpdatedAt'],
	CustomerCreatePayload: ['customer', 'userErrors'],
	CustomerUpdatePayload: ['customer', 'userErrors'],
	CustomerEmailMarketingConsentUpdatePayload: ['customer', 'userErrors'],
	UserError: ['field', 'message'],
	CustomerEmailMarketingConsentUpdateUserError: ['code', 'field', 'message'],
	InventoryLevel: ['id', 'quantities', 'location'],
	InventoryQuantity: ['id', 'name', 'quantity', 'updatedAt'],
	Location: ['id', 'name'],
	PageInfo: ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'],
	OrderConnection: ['nodes', 'pageInfo'],
	Order: ['id', 'legacyResourceId', 'name', 'createdAt', 'updatedAt', 'email', 'lineItems'],
	LineItemConnection: ['nodes', 'pageInfo'],
	LineItem: ['id', 'sku', 'quantity'],
	InventoryAdjustQuantitiesPayload: ['inventoryAdjustmentGroup', 'userErrors'],
	InventorySetQuantitiesPayload: ['inventoryAdjustmentGroup', 'userErrors'],
	InventoryAdjustmentGroup: ['id', 'reason', 'referenceDocumentUri', 'createdAt', 'changes'],
	InventoryChange: ['name', 'delta', 'quantityAfterChange', 'ledgerDocumentUri', 'item', 'location'],
	InventoryAdjustQuantitiesUserError: ['code', 'field', 'message'],
	InventorySetQuantitiesUserError: ['code', 'field', 'message'],
};

export const shopifySchemaSdl = (): string => readFileSync(join(__dirname, 'schema.graphql'), 'utf8');
