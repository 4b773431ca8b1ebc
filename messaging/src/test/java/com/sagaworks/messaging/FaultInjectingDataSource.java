package com.sagaworks.messaging;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Wraps a real DataSource so a test can act at an exact statement of the code under test: when a statement
 * matching an armed fault is prepared, the fault runs first (once) and may throw, as a crash or a lost
 * connection at that point would. Everything else goes to the real connection. No hook in production code.
 */
public final class FaultInjectingDataSource {

    /** What to do, once, before the first statement whose SQL matches. */
    public interface Fault {
        void strike(String sql) throws Exception;
    }

    private record Armed(Predicate<String> sql, Fault fault) {
    }

    private final DataSource target;
    private final Queue<Armed> armed = new ConcurrentLinkedQueue<>();
    private final DataSource proxy;

    public FaultInjectingDataSource(DataSource target) {
        this.target = target;
        this.proxy = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{DataSource.class}, this::onDataSource);
    }

    /** The DataSource to hand to the code under test. */
    public DataSource dataSource() {
        return proxy;
    }

    /** Runs {@code fault} before the next statement whose SQL contains {@code sqlFragment}. */
    public void arm(String sqlFragment, Fault fault) {
        armed.add(new Armed(sql -> sql.contains(sqlFragment), fault));
    }

    /** Whether every armed fault has struck. */
    public boolean allStruck() {
        return armed.isEmpty();
    }

    private Object onDataSource(Object self, Method method, Object[] args) throws Throwable {
        Object result = invoke(target, method, args);
        if (result instanceof Connection connection) {
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                    (InvocationHandler) (p, m, a) -> onConnection(connection, m, a));
        }
        return result;
    }

    private Object onConnection(Connection connection, Method method, Object[] args) throws Throwable {
        if (method.getName().startsWith("prepare") && args != null && args.length > 0
                && args[0] instanceof String sql) {
            for (Armed fault : armed) {
                if (fault.sql().test(sql) && armed.remove(fault)) {
                    fault.fault().strike(sql);
                    break;
                }
            }
        }
        return invoke(connection, method, args);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
