export { runDemo, type DemoOptions, type DemoResult } from './demo';
