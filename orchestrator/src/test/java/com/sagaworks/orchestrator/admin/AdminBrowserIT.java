package com.sagaworks.orchestrator.admin;

import com.sagaworks.contracts.OrderId;
import com.sagaworks.contracts.SagaId;
import com.sagaworks.contracts.inventory.PricedLine;
import com.sagaworks.contracts.inventory.StockReserved;
import com.sagaworks.contracts.order.OrderApproved;
import com.sagaworks.contracts.payment.PaymentCharged;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Support staff's one-minute path in a real browser (Debian chromium, headless): log in, find the stuck saga by
 * filter, open it, retry, and see it complete once the participant answers. Screenshots of every page go to
 * {@code target/screenshots/}. Skipped where chromium or chromedriver is not installed.
 */
class AdminBrowserIT extends AdminITSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed");
        profile = Files.createTempDirectory("admin-browser-it");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void supportFindsTheStuckSagaRetriesItAndSeesItComplete() throws IOException {
        OrderId orderId = placeOrder("browser-customer");
        SagaId saga = sagaOf(orderId);
        var reserve = awaitCommand(saga, "ReserveStock");

        browser.get(url("/admin"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        browser.findElement(By.id("username")).sendKeys("operator");
        browser.findElement(By.id("password")).sendKeys("operator-demo");
        screenshot("01-login");
        navigateBy(By.cssSelector("button[type=submit]"));

        await().atMost(WAIT).ignoreExceptionsInstanceOf(WebDriverException.class).until(() -> {
            browser.navigate().refresh();
            return browser.findElements(By.id("attention")).stream()
                    .anyMatch(e -> e.getText().contains(saga.toString()) && e.getText().contains("no reply since"));
        });
        screenshot("02-overview-needs-attention");

        navigateBy(By.linkText("Search"));
        browser.findElement(By.name("orderId")).sendKeys(orderId.toString());
        navigateBy(By.id("search"));
        List<String> found = browser.findElements(By.className("saga-link")).stream().map(e -> e.getText()).toList();
        assertThat(found).containsExactly(saga.toString());
        screenshot("03-search-by-order");

        navigateBy(By.className("saga-link"));
        assertThat(browser.findElement(By.id("diagnosis")).getText()).contains("Stuck").contains("NO_REPLY");
        assertThat(browser.findElement(By.id("participants")).getText()).contains("inventory");
        screenshot("04-saga-stuck");

        navigateBy(By.id("action-RETRY"));
        assertThat(browser.findElement(By.id("preview-commands")).getText()).contains("ReserveStock")
                .contains(reserve.messageId().toString());
        browser.findElement(By.id("reason")).sendKeys("inventory consumer was restarted");
        screenshot("05-retry-preview");
        navigateBy(By.id("confirm-button"));
        assertThat(browser.findElement(By.id("result")).getText()).contains("RETRY applied");
        assertThat(browser.findElement(By.id("timeline")).getText())
                .contains("RETRY by operator: inventory consumer was restarted");
        screenshot("06-retried");

        // the participant, back, answers the re-sent command (same id) and the saga runs to the end
        assertThat(awaitCommands(saga, "ReserveStock", 2)).extracting(r -> r.messageId())
                .containsOnly(reserve.messageId());
        reply(reserve, new StockReserved(saga, List.of(new PricedLine("SKU-1", 2, 1500)), 3000));
        reply(awaitCommand(saga, "ChargePayment"), new PaymentCharged(saga, 3000));
        reply(awaitCommand(saga, "ApproveOrder"), new OrderApproved(saga));
        await().atMost(WAIT).ignoreExceptionsInstanceOf(WebDriverException.class).until(() -> {
            browser.navigate().refresh();
            return "COMPLETED".equals(browser.findElement(By.id("status")).getText());
        });
        assertThat(browser.findElement(By.id("diagnosis")).getText()).contains("Not stuck");
        screenshot("07-completed");
        awaitOutboxEmpty();
    }

    /**
     * Clicks a link or submit button and waits until the browser shows the page it leads to: a click returns
     * before the navigation it starts has finished, so reading the next page right away can still see the old one.
     * The old page is marked with a script variable; the wait ends when a fully loaded document without the mark
     * is shown. While the browser swaps documents, chromedriver can answer any command with an error (a stale
     * element, "Node with given id does not belong to the document", no execution context), so those are retried
     * until the deadline rather than read as a failure.
     */
    private void navigateBy(By target) {
        JavascriptExecutor script = (JavascriptExecutor) browser;
        script.executeScript("window.sagaworksOldPage = true");
        browser.findElement(target).click();
        new WebDriverWait(browser, WAIT).ignoring(WebDriverException.class).until(driver -> Boolean.TRUE.equals(
                script.executeScript("return window.sagaworksOldPage === undefined && document.readyState === 'complete'")));
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
