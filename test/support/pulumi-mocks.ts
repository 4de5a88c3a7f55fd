/** The component tests use the shipped testing entry point, so consumers get what is tested here. */
export * from "../../tools/testing";
