/**
 * The stack trace a CableBuilder 500 carries in its `message`: the guide says the message
 * "may include stack trace information if the error was an internal server error 500". Frames of a
 * servlet under Tomcat (the reference's T6), enough of them (about 4 KB) that a client which reads
 * only the first kilobytes of an error body loses the end of the JSON and with it the structure.
 */
const SERVLET_FRAMES = [
  'org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:{n})',
  'org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:{n})',
  'org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:{n})',
  'org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:{n})',
  'org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:{n})',
  'org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:{n})',
  'org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:{n})',
  'org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:{n})',
  'org.apache.catalina.valves.AbstractAccessLogValve.invoke(AbstractAccessLogValve.java:{n})',
  'org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:{n})',
  'org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:{n})',
  'org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:{n})',
  'org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:{n})',
  'org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:{n})',
  'org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:{n})',
  'org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:{n})',
  'java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:{n})',
  'java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:{n})',
  'org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:{n})',
  'java.lang.Thread.run(Thread.java:{n})',
];

/** `\n\tat …` lines for an exception thrown while `endpoint` ran; deterministic (no randomness). */
export function javaStackTrace(endpoint: string, exception: string): string {
  const own = [
    `com.cimteq.cablebuilder.erp.${exception === 'Exception' ? 'DesignMapper.map' : 'ErpValidator.check'}(${exception === 'Exception' ? 'DesignMapper' : 'ErpValidator'}.java:212)`,
    `com.cimteq.cablebuilder.erp.ErpIntegrationService.${endpoint}(ErpIntegrationService.java:148)`,
    'com.cimteq.cablebuilder.erp.ErpIntegrationServlet.dispatch(ErpIntegrationServlet.java:97)',
    'com.cimteq.cablebuilder.erp.ErpIntegrationServlet.doPost(ErpIntegrationServlet.java:61)',
    'javax.servlet.http.HttpServlet.service(HttpServlet.java:681)',
    'javax.servlet.http.HttpServlet.service(HttpServlet.java:764)',
  ];
  const frames = [...own, ...SERVLET_FRAMES.map((f, i) => f.replace('{n}', String(100 + i * 37)))];
  // Twice the servlet chain, as a filter re-entering the chain shows it; a realistic 4–5 KB.
  return [...frames, ...SERVLET_FRAMES.map((f, i) => f.replace('{n}', String(90 + i * 41)))].map((f) => `\n\tat ${f}`).join('');
}
