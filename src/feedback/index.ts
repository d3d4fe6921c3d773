export { createFeedbackService, parseScore, type FeedbackInput } from './feedback-service.js';
