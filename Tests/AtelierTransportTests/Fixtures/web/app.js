export const fixture = "APP-JS";
