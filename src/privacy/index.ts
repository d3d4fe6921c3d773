export { createPrivacyServices, EXPORT_FORMAT, type DataExport, type DataSummary, type PrivacyServicesOptions } from './privacy-services.js';
export { askConsent, consentSlot, type AskConsentOptions } from './ask-consent.js';
