package dev.solstice.integration.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.solstice.integration.testing.HeadlessChromium;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Issue 16: the job page in Debian's Chromium, headless, driven through its chromedriver. Skipped
 * where {@code /usr/bin/chromium} is absent ({@code scripts/test.sh} installs it).
 */
class JobPageBrowserIT {

  @Test
  void theJobPageShowsTheJobItsColouredLogAndLineLinks() throws Exception {
    HeadlessChromium.assumeInstalled();
    try (JobPageFixture f = new JobPageFixture(true);
        HeadlessChromium chromium = HeadlessChromium.start()) {
      WebDriver browser = chromium.driver();
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1000, 900));
      browser.get(f.url("/jobs/" + f.build.requestId()));
      // Kept as target/screenshots/job-page.png, pass or fail (docs/images/job-page.png is one).
      chromium.screenshot(Path.of("target", "screenshots", "job-page.png"));
      assertThat(browser.getTitle()).contains("octo/hello").contains("build");
      assertThat(browser.findElement(By.cssSelector("dl.facts")).getText())
          .contains("octo/hello", "refs/heads/main", "linux-x64", "completed:success");
      assertThat(browser.findElement(By.cssSelector("table.run")).getText())
          .contains("test", "started");

      WebElement red = browser.findElement(By.cssSelector("pre.log .ansi-fg-1.ansi-bold"));
      assertThat(red.getText()).isEqualTo("error: <b>not</b> bold & red");
      assertThat(red.getCssValue("color")).isEqualTo("rgba(204, 0, 0, 1)");
      assertThat(red.getCssValue("font-weight")).isEqualTo("700");
      assertThat(browser.findElement(By.cssSelector("pre.log .ansi-fg-2")).getText())
          .isEqualTo("build ok");

      List<WebElement> links = browser.findElements(By.cssSelector("pre.log a.ln"));
      assertThat(links)
          .extracting(a -> a.getAttribute("href"))
          .hasSize(4)
          .allSatisfy(href -> assertThat(href).matches(".*#L[1-4]$"));
      links.get(2).click();
      assertThat(browser.getCurrentUrl()).endsWith("#L3");
      assertThat(browser.findElement(By.id("L3")).getCssValue("background-color"))
          .isEqualTo("rgba(51, 51, 85, 1)");

      assertThat(browser.findElement(By.cssSelector("a.download")).getAttribute("href"))
          .endsWith("/jobs/" + f.build.requestId() + "/log");
    }
  }
}
