package dev.roost.server.storage;

import dev.roost.server.error.ErrorCode;
import dev.roost.server.error.RoostException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Puts the query timeout ({@code roost.db.query-timeout}) on every statement of a pooled connection,
 * so that a database that stops answering (a lock held elsewhere, a stalled server) fails the call
 * after the timeout instead of holding the caller and its connection until the pool runs dry. The
 * driver's timeout ({@link SQLTimeoutException}) is given a {@link RoostException} {@code UNAVAILABLE}
 * as its cause, which is what every adapter maps (RoostException.causeOf).
 *
 * <p>JDBC counts query timeouts in whole seconds: the timeout is rounded up, at least 1 s. Schema
 * migrations do not go through here; they may take as long as they need.
 */
final class QueryTimeout {
    private final Duration timeout;
    private final int seconds;

    QueryTimeout(Duration timeout) {
        this.timeout = timeout;
        this.seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    int seconds() {
        return seconds;
    }

    /** {@code connection}, whose statements carry the timeout; closing it closes the pooled one. */
    Connection applyTo(Connection connection) {
        return proxy(Connection.class, connection, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof Statement statement && method.getReturnType().isInterface()
                    && Statement.class.isAssignableFrom(method.getReturnType())) {
                statement.setQueryTimeout(seconds);
                return proxy(method.getReturnType(), statement, this::invokeOnStatement);
            }
            return result;
        });
    }

    private Object invokeOnStatement(Object target, Method method, Object[] args) throws Throwable {
        try {
            return invoke(target, method, args);
        } catch (SQLTimeoutException e) {
            SQLTimeoutException unavailable = new SQLTimeoutException(e.getMessage(), e.getSQLState(),
                    e.getErrorCode(), new RoostException(ErrorCode.UNAVAILABLE, "the database did not answer within "
                    + seconds + " s; retry later"));
            unavailable.setNextException(e);
            throw unavailable;
        }
    }

    @Override
    public String toString() {
        return timeout.toString();
    }

    @FunctionalInterface
    private interface Call {
        Object on(Object target, Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<?> type, Object target, Call call) {
        InvocationHandler handler = (proxy, method, args) -> call.on(target, method, args);
        return (T) Proxy.newProxyInstance(QueryTimeout.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
