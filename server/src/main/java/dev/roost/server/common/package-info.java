/** Small value types and checks every feature shares: typed ids, Snowflake ids, pages, validation. */
package dev.roost.server.common;
