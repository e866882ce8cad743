/** placeholder: filled by its module's work. @module */
export {};
