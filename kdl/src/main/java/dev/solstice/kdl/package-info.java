/**
 * A KDL v2 parser and printer with an immutable object model, shaped like kdl4j's API.
 *
 * <p>Entry points: {@link dev.solstice.kdl.KdlParser} (text to {@link
 * dev.solstice.kdl.KdlDocument}), {@link dev.solstice.kdl.KdlPrinter} (document to text, by default
 * the test suite's canonical form) and {@link dev.solstice.kdl.KdlParseException} (line, column and
 * a caret-marked excerpt for the user).
 *
 * <p>Nullability: type annotations and {@link dev.solstice.kdl.KdlNode#location()} may be {@code
 * null}; every other accessor returns a non-null value, and collections returned are unmodifiable.
 */
package dev.solstice.kdl;
