export const API_SETTINGS = Symbol('API_SETTINGS');
