export { normalizeEmail, normalizeOrderNumber, normalizePhone, type OrdersService, type ShopCustomer, type ShopOrder, type ShopOrderStatus } from './orders-service.js';
export { createCsvOrdersService, parseCsv, type CsvOrdersServiceOptions } from './csv-orders-service.js';
export { createOrderServices, type OrderLookupInput, type OrderLookupResult, type OrderSummary, type OrderServicesOptions } from './order-services.js';
